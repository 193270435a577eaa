using LiveState.Blazor.Rooms;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>Issue 16: members carry metadata; readers re-render on it, coalesced; writes coalesce; both views (per circuit, per user).</summary>
public sealed class MetadataTests
{
    private static readonly LiveIdentity Alice = new("user:alice", "alice");
    private static readonly LiveIdentity Bob = new("user:bob", "bob");

    private static LiveTestServer Server(FakeTimeProvider time, TimeSpan interval, Action<IServiceCollection>? more = null) => new(
        options => options.PresenceUpdateInterval = interval,
        services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton<ILiveRoomAuthorizer>(new ScriptedAuthorizer());
            more?.Invoke(services);
        });

    [Fact]
    public async Task AHundredMetadataChangesInOneWindowRenderAReaderTwiceAndItShowsTheLast()
    {
        var time = new FakeTimeProvider();
        using var server = Server(time, TimeSpan.FromMilliseconds(200));
        using var reader = AttachedCircuit.Open(server, "reader", Bob);
        using var typist = AttachedCircuit.Open(server, "typist", Alice);
        var owner = new FakeRoomOwner();
        var room = await reader.JoinAsync("a", owner);
        Assert.Single(room.Presence.Members);
        var typing = await typist.JoinAsync("a", new FakeRoomOwner());
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        var before = owner.Renders;

        for (var i = 0; i < 100; i++)
        {
            await typing.SetMetadataAsync("status", $"typing {i}");
        }

        // The first change of a quiet window renders at once; the other 99 wait for its end, and render once.
        Assert.Equal(before + 1, owner.Renders);
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(before + 2, owner.Renders);
        Assert.Equal("typing 99", room.Presence.Members.Single(m => !m.IsSelf).Get("status"));

        // Quiet again: the window closes without a render, and the next change renders at once.
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(before + 2, owner.Renders);
        await typing.SetMetadataAsync("status", "idle");
        Assert.Equal(before + 3, owner.Renders);
    }

    [Fact]
    public async Task WithoutAnIntervalEveryMetadataChangeRendersItsReaders()
    {
        var time = new FakeTimeProvider();
        using var server = Server(time, TimeSpan.Zero);
        using var reader = AttachedCircuit.Open(server, "reader", Bob);
        using var typist = AttachedCircuit.Open(server, "typist", Alice);
        var owner = new FakeRoomOwner();
        var room = await reader.JoinAsync("a", owner);
        _ = room.Presence;
        var typing = await typist.JoinAsync("a", new FakeRoomOwner());
        var before = owner.Renders;

        for (var i = 0; i < 100; i++)
        {
            await typing.SetMetadataAsync("status", $"typing {i}");
        }

        Assert.Equal(before + 100, owner.Renders);
    }

    [Fact]
    public async Task ChangesMadeWhileAWriteIsOnItsWayAreFoldedIntoOneMoreWrite()
    {
        var time = new FakeTimeProvider();
        using var server = Server(time, TimeSpan.FromMilliseconds(200), s => s.AddSingleton<ISessionGroupStore, GatedStore>());
        var store = (GatedStore)server.Store;
        using var typist = AttachedCircuit.Open(server, "typist", Alice);
        var room = await typist.JoinAsync("a", new FakeRoomOwner());

        var writes = Enumerable.Range(0, 50).Select(i => room.SetMetadataAsync("status", $"typing {i}")).ToList();
        Assert.Equal(1, store.MemberWrites);
        store.Gate.SetResult();
        await Task.WhenAll(writes).WaitAsync(Wait.Deadline);

        Assert.Equal(2, store.MemberWrites);
        var stored = await server.Store.GetAsync<RoomMembers>("room:a", RoomMembers.Key);
        Assert.Equal(2, stored!.Version);
        Assert.Equal("typing 49", stored.Value.Members["typist"].Metadata["status"]);
        Assert.Equal("typing 49", room.Metadata["status"]);

        // Setting what is stored already writes nothing.
        await room.SetMetadataAsync("status", "typing 49");
        Assert.Equal(2, store.MemberWrites);
    }

    [Fact]
    public async Task TheUsersViewFoldsEachUsersTabsAndShowsTheirLatestMetadata()
    {
        var time = new FakeTimeProvider();
        using var server = Server(time, TimeSpan.Zero);
        var browser = new LiveIdentity(LiveIdentity.BrowserGroup("b1"));
        AttachedCircuit Open(string id, LiveIdentity identity)
        {
            // One second apart: members are listed in the order their tabs opened.
            time.Advance(TimeSpan.FromSeconds(1));
            return AttachedCircuit.Open(server, id, identity);
        }

        using var laptop = Open("alice-laptop", Alice);
        using var bob = Open("bob", Bob);
        using var phone = Open("alice-phone", Alice);
        using var tab1 = Open("anon-1", browser);
        using var tab2 = Open("anon-2", browser);
        var onLaptop = await laptop.JoinAsync("a", new FakeRoomOwner(), new Dictionary<string, string> { ["name"] = "Alice", ["status"] = "idle" });
        time.Advance(TimeSpan.FromSeconds(1));
        var bobs = await bob.JoinAsync("a", new FakeRoomOwner(), new Dictionary<string, string> { ["name"] = "Bob" });
        time.Advance(TimeSpan.FromSeconds(1));
        var onPhone = await phone.JoinAsync("a", new FakeRoomOwner(), new Dictionary<string, string> { ["name"] = "Alice", ["status"] = "typing" });
        await tab1.JoinAsync("a", new FakeRoomOwner());
        await tab2.JoinAsync("a", new FakeRoomOwner());

        var presence = bobs.Presence;
        Assert.Equal(5, presence.Count);
        Assert.Equal(5, presence.Members.Count);
        Assert.Equal(["alice", "bob", "alice", null, null], presence.Members.Select(m => m.UserId));
        Assert.Single(presence.Members, m => m.IsSelf);
        Assert.Equal(5, presence.Members.Select(m => m.Key).Distinct().Count());

        var users = presence.Users;
        Assert.Equal(3, users.Count);
        var alice = users[0];
        Assert.Equal("alice", alice.UserId);
        Assert.Equal(2, alice.Members.Count);
        Assert.Equal("typing", alice.Get("status"));
        Assert.False(alice.IsSelf);
        Assert.True(users[1].IsSelf);
        Assert.Null(users[2].UserId);
        Assert.Equal(2, users[2].Members.Count);
        Assert.Empty(users[2].Metadata);

        // The laptop types later: the folded user shows the laptop's now.
        time.Advance(TimeSpan.FromSeconds(1));
        await onLaptop.SetMetadataAsync("status", "away");
        Assert.Equal("away", bobs.Presence.Users[0].Get("status"));
        Assert.Equal("typing", onPhone.Metadata["status"]);

        // No key gives away a circuit id or a group id.
        Assert.All(presence.Members, m => Assert.DoesNotContain("alice", m.Key, StringComparison.Ordinal));
        Assert.All(users, u => Assert.DoesNotContain("browser", u.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MembershipIsPresencesAnswerAndStaleEntriesArePrunedByTheNextWrite()
    {
        var time = new FakeTimeProvider();
        using var server = Server(time, TimeSpan.Zero);
        var now = time.GetUtcNow();
        await server.States.MutateAsync<RoomMembers>("room:a", members =>
        {
            // A dead server's circuits: one silent for long, one that wrote just now.
            members.Members["ghost-old"] = new RoomMemberEntry { Metadata = { ["name"] = "Old ghost" }, UpdatedAt = now - TimeSpan.FromMinutes(2) };
            members.Members["ghost-new"] = new RoomMemberEntry { Metadata = { ["name"] = "New ghost" }, UpdatedAt = now };
        });
        using var alice = AttachedCircuit.Open(server, "alice", Alice);

        var room = await alice.JoinAsync("a", new FakeRoomOwner());
        var member = Assert.Single(room.Presence.Members);
        Assert.True(member.IsSelf);
        Assert.Empty(member.Metadata);
        Assert.Null(member.UpdatedAt);

        await room.SetMetadataAsync("name", "Alice");
        var stored = server.States.Get<RoomMembers>("room:a").Members;
        Assert.Equal(["alice", "ghost-new"], stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Alice", Assert.Single(room.Presence.Members).Get("name"));

        time.Advance(TimeSpan.FromMinutes(2));
        await room.SetMetadataAsync("name", "Alice again");
        Assert.Equal(["alice"], server.States.Get<RoomMembers>("room:a").Members.Keys);
    }

    [Fact]
    public async Task MetadataIsBounded()
    {
        using var server = Server(new FakeTimeProvider(), TimeSpan.Zero);
        using var alice = AttachedCircuit.Open(server, "alice", Alice);
        var room = await alice.JoinAsync("a", new FakeRoomOwner());

        await Assert.ThrowsAsync<ArgumentException>(() => room.SetMetadataAsync(Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", i => "v")));
        await Assert.ThrowsAsync<ArgumentException>(() => room.SetMetadataAsync(new string('k', 65), "v"));
        await Assert.ThrowsAsync<ArgumentException>(() => room.SetMetadataAsync("k", new string('v', 1025)));
        await Assert.ThrowsAsync<ArgumentException>(() => alice.JoinAsync("a", new FakeRoomOwner(), new Dictionary<string, string> { [""] = "v" }));
        await room.SetMetadataAsync(Enumerable.Range(0, 32).ToDictionary(i => $"k{i}", i => new string('v', 1024)));
        Assert.Equal(32, room.Metadata.Count);
    }
}
