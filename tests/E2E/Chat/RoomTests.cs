namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>Issue 16 in a browser: rooms keep their messages, typing and members to themselves; a refused join shows nothing of the room; a closed tab leaves.</summary>
[Collection(ChatCollection.Name)]
public sealed class RoomTests(ChatFixture fixture) : ChatTest(fixture)
{
    [Fact]
    public Task MessagesAndTypingReachExactlyTheMembersOfTheRoom() => RunAsync(async session =>
    {
        // Two guests (two browsers) in room A, a third in room B with two tabs.
        var a1 = await session.GuestAsync("a1");
        var roomA = await a1.CreateRoomAsync(UniqueTitle("Room A"));
        var a2 = await session.GuestAsync("a2", $"rooms/{roomA}");
        var b = await session.GuestAsync("b");
        var roomB = await b.CreateRoomAsync(UniqueTitle("Room B"));
        var b2 = await session.AnotherTabAsync(b, $"rooms/{roomB}");
        await a1.ExpectMembersAsync(2);
        await a2.ExpectMembersAsync(2);
        await b.ExpectMembersAsync(1);
        var a1Name = await a1.NameAsync();

        // Typing in room A shows in the other member's tab, not in the typist's own.
        await a1.TypeAsync("hel");
        await Expect(a2.Typing).ToHaveTextAsync($"{a1Name} is typing…");

        // A message in room A reaches its members.
        await a1.SendAsync("hello from A");
        await Expect(a2.Message("hello from A")).ToBeVisibleAsync();
        await Expect(a2.Typing).ToBeEmptyAsync();

        // Room B: a later change (its second tab's message, sent after room A's typing and message arrived) shows in
        // b's tab first; only then is the absence of room A's typing and message meaningful.
        await b2.SendAsync("hello from B");
        await Expect(b.Message("hello from B")).ToBeVisibleAsync();
        await Expect(b.Message("hello from A")).ToHaveCountAsync(0);
        await Expect(b.Messages).ToHaveTextAsync(["hello from B"]);
        await Expect(b.Typing).ToBeEmptyAsync();
        await b.ExpectMembersAsync(1);

        // Typing in room B (b's second tab; its own browser never shows itself typing) must not show in room A either:
        // fenced by a later message of room A's own.
        await b2.TypeAsync("psst");
        await a2.SendAsync("second from A");
        await Expect(a1.Message("second from A")).ToBeVisibleAsync();
        await Expect(a1.Messages).ToHaveTextAsync(["hello from A", "second from A"]);
        await Expect(a2.Messages).ToHaveTextAsync(["hello from A", "second from A"]);
        await Expect(a1.Typing).ToBeEmptyAsync();
        await Expect(a2.Typing).ToBeEmptyAsync();
        await a1.ExpectMembersAsync(2);
        await Expect(a1.Page.GetByTestId("member")).ToHaveCountAsync(2);
    });

    [Fact]
    public Task ARefusedJoinShowsTheRefusalAndNothingOfTheRoom() => RunAsync(async session =>
    {
        // Alice, signed in, posts in a members-only room.
        var alice = await session.SignedInAsync("alice");
        var secret = UniqueTitle("members only secret");
        var room = await alice.CreateRoomAsync(UniqueTitle("Staff"), membersOnly: true);
        await alice.SendAsync(secret);

        // A guest who opens it is refused: the refusal, and no messages, members or composer.
        var guest = await session.GuestAsync("guest", $"rooms/{room}");
        await Expect(guest.Refused).ToBeVisibleAsync();
        await Expect(guest.Page.GetByTestId("messages")).ToHaveCountAsync(0);
        await Expect(guest.Members).ToHaveCountAsync(0);
        await Expect(guest.Page.GetByTestId("composer")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await guest.Page.ContentAsync(), StringComparison.Ordinal);

        // And it is no member: alice's room still lists only her, fenced by a later message of hers.
        await alice.SendAsync("anyone here?");
        await alice.ExpectMembersAsync(1);

        // A room nobody created is refused too (no joining by guessing an id).
        await guest.GotoAsync("rooms/no-such-room-" + Guid.NewGuid().ToString("N")[..8]);
        await Expect(guest.Refused).ToBeVisibleAsync();
    });

    [Fact]
    public Task ClosingATabRemovesItsMember() => RunAsync(async session =>
    {
        var first = await session.GuestAsync("first");
        var room = await first.CreateRoomAsync(UniqueTitle("Leaving"));
        var second = await session.GuestAsync("second", $"rooms/{room}");
        var secondName = await second.NameAsync();
        await first.ExpectMembersAsync(2);
        await Expect(first.Page.GetByTestId("member").GetByText(secondName)).ToBeVisibleAsync();

        await second.Page.CloseAsync();

        // One server: Blazor closes the circuit when the tab goes (its unload beacon), and the room's presence with it;
        // well within the presence timeout.
        await first.ExpectMembersAsync(1, timeout: 15_000);
        await Expect(first.Page.GetByTestId("member").GetByText(secondName)).ToHaveCountAsync(0);
    });
}
