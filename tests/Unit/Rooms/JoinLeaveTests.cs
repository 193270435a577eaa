using Bunit;
using LiveState.Blazor.Rooms;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>Issue 16: joining, leaving and disposing in every order; the rooms a circuit is in survive a sign-in and go with its close.</summary>
public sealed class JoinLeaveTests : IDisposable
{
    private static readonly LiveIdentity Alice = new("user:alice", "alice");
    private static readonly LiveIdentity Bob = new("user:bob", "bob");
    private static readonly LiveIdentity Carol = new("user:carol", "carol");

    private readonly ScriptedAuthorizer _authorizer = new();
    private readonly LiveTestServer _server;

    public JoinLeaveTests()
    {
        _server = new LiveTestServer(services: s => s.AddSingleton<ILiveRoomAuthorizer>(_authorizer));
    }

    public void Dispose()
    {
        foreach (var tab in _tabs)
        {
            tab.Dispose();
        }

        _server.Dispose();
    }

    private readonly List<IDisposable> _tabs = [];
    private int _nextTab;

    private RoomTab<T> Tab<T>(LiveIdentity identity, Action<Bunit.ComponentParameterCollectionBuilder<T>>? parameters = null) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var tab = new RoomTab<T>(_server, $"tab-{++_nextTab}", identity, parameters);
        _tabs.Add(tab);
        return tab;
    }

    private IReadOnlyList<string> MembershipsOf(string circuitId) => _server.Registry.Find(circuitId)!.Identity.Memberships;

    [Fact]
    public void TwoComponentsOfOneTabJoinOnceAndTheTabStaysInTheRoomUntilBothAreDisposed()
    {
        var tab = Tab<RoomPair>(Alice);
        tab.Component.WaitForAssertion(() => Assert.Equal(2, tab.Component.FindComponents<RoomProbe>().Count(p => p.Instance.Room is not null)), Wait.Deadline);
        Assert.Equal(["room:a"], MembershipsOf(tab.Id));
        Assert.Equal(1, _server.Registry.CountGroup("room:a"));
        Assert.Single(_authorizer.Requests);

        // The first component goes (its page part is hidden): the other still holds the room.
        tab.Component.Render(p => p.Add(x => x.ShowFirst, false));
        Assert.Equal(["room:a"], MembershipsOf(tab.Id));
        Assert.Equal(1, _server.Registry.CountGroup("room:a"));
        Assert.Equal("alice", _server.Registry.Find(tab.Id)!.UserId);

        tab.Component.Render(p => p.Add(x => x.ShowSecond, false));
        Assert.Empty(MembershipsOf(tab.Id));
        Assert.Equal(0, _server.Registry.CountGroup("room:a"));
        Assert.Equal("user:alice", _server.Registry.Find(tab.Id)!.GroupId);
    }

    [Fact]
    public void DisposingInTheOtherOrderLeavesTooAndAJoinAfterwardsIsAskedAgain()
    {
        var tab = Tab<RoomPair>(Alice);
        tab.Component.WaitForAssertion(() => Assert.Equal(2, tab.Component.FindComponents<RoomProbe>().Count(p => p.Instance.Room is not null)), Wait.Deadline);

        tab.Component.Render(p => p.Add(x => x.ShowSecond, false));
        Assert.Equal(["room:a"], MembershipsOf(tab.Id));
        tab.Component.Render(p => p.Add(x => x.ShowFirst, false));
        Assert.Empty(MembershipsOf(tab.Id));

        tab.Component.Render(p => p.Add(x => x.ShowFirst, true));
        tab.Component.WaitForAssertion(() => Assert.Equal(["room:a"], MembershipsOf(tab.Id)), Wait.Deadline);
        Assert.Equal(2, _authorizer.Requests.Count);
    }

    [Fact]
    public async Task ARoomsStateIsSharedByItsMembersAndRerendersNoOtherRoom()
    {
        var alice = Tab<RoomProbe>(Alice);
        var bob = Tab<RoomProbe>(Bob);
        var carol = Tab<RoomProbe>(Carol, p => p.Add(x => x.RoomId, "b"));
        foreach (var tab in new[] { alice, bob, carol })
        {
            tab.Component.WaitForAssertion(() => Assert.NotNull(tab.Component.Instance.Room), Wait.Deadline);
        }

        var carolRenders = carol.Component.Instance.Renders;
        await alice.Component.Instance.Room!.State<Counter>().MutateAsync(c => c.Value = 5);

        bob.Component.WaitForAssertion(() => Assert.Equal("5", bob.Component.Find(".value").TextContent), Wait.Deadline);
        alice.Component.WaitForAssertion(() => Assert.Equal("5", alice.Component.Find(".value").TextContent), Wait.Deadline);
        Assert.Equal("0", carol.Component.Find(".value").TextContent);
        Assert.Equal(carolRenders, carol.Component.Instance.Renders);
        Assert.Equal(5, _server.States.Get<Counter>("room:a").Value);
        Assert.Equal(0, _server.States.Get<Counter>("user:alice").Value);
    }

    [Fact]
    public async Task ABroadcastToTheRoomsGroupReachesItsMembersOnly()
    {
        var alice = Tab<RoomProbe>(Alice);
        var bob = Tab<RoomProbe>(Bob);
        var carol = Tab<RoomProbe>(Carol, p => p.Add(x => x.RoomId, "b"));
        foreach (var tab in new[] { alice, bob, carol })
        {
            tab.Component.WaitForAssertion(() => Assert.NotNull(tab.Component.Instance.Room), Wait.Deadline);
        }

        Assert.Equal("room:a", alice.Component.Instance.Room!.GroupId);
        Assert.Equal(2, await _server.Broadcaster.BroadcastToGroupAsync("room:a"));
        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync(LiveRooms.GroupId("b")));
    }

    [Fact]
    public async Task APageThatSwitchesRoomsLeavesTheOldOne()
    {
        var tab = Tab<RoomProbe>(Alice);
        tab.Component.WaitForAssertion(() => Assert.Equal(["room:a"], MembershipsOf(tab.Id)), Wait.Deadline);
        var first = tab.Component.Instance.Room!;

        tab.Component.Render(p => p.Add(x => x.RoomId, "b"));
        tab.Component.WaitForAssertion(() => Assert.Equal(["room:b"], MembershipsOf(tab.Id)), Wait.Deadline);
        Assert.False(first.IsJoined);
        Assert.Throws<ObjectDisposedException>(() => first.State<Counter>().Value);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.State<Counter>().MutateAsync(c => c.Value++));
        await first.LeaveAsync();
    }

    [Fact]
    public async Task SignInAndSignOutKeepTheRoomsTheCircuitIsIn()
    {
        await using var circuit = await HandlerCircuit.OpenAsync(_server, "c1", HandlerCircuit.Anonymous("b1"));
        var room = await circuit.JoinAsync("a", new FakeRoomOwner());
        var other = await circuit.JoinAsync("b", new FakeRoomOwner());
        Assert.Equal(["room:a", "room:b"], MembershipsOf("c1"));

        await circuit.ChangeUserAsync(HandlerCircuit.SignedIn("alice", "b1"));
        var signedIn = _server.Registry.Find("c1")!;
        Assert.Equal("user:alice", signedIn.GroupId);
        Assert.Equal(["room:a", "room:b"], signedIn.Identity.Memberships);
        Assert.True(room.IsJoined);
        Assert.Equal(1, _server.Registry.CountGroup("room:a"));

        // A join after the sign-in composes with the signed-in identity, never the one before.
        await other.LeaveAsync();
        Assert.Equal("user:alice", _server.Registry.Find("c1")!.GroupId);
        Assert.Equal(["room:a"], MembershipsOf("c1"));

        await circuit.ChangeUserAsync(HandlerCircuit.Anonymous("b1"));
        Assert.Equal(LiveIdentity.BrowserGroup("b1"), _server.Registry.Find("c1")!.GroupId);
        Assert.Equal(["room:a"], MembershipsOf("c1"));
        Assert.True(room.IsJoined);
    }

    [Fact]
    public async Task ASignOutTheAuthorizerRefusesTakesTheRoomAwayAndItsHandleReadsNothing()
    {
        _authorizer.Decide = (request, _) => ValueTask.FromResult(request.RoomId != "members" || request.User.Identity?.IsAuthenticated == true);
        await _server.States.MutateAsync<Counter>("room:members", c => c.Value = 7);
        await using var circuit = await HandlerCircuit.OpenAsync(_server, "c1", HandlerCircuit.SignedIn("alice", "b1"));
        var members = await circuit.JoinAsync("members", new FakeRoomOwner());
        var open = await circuit.JoinAsync("open", new FakeRoomOwner());
        Assert.Equal(7, members.State<Counter>().Value.Value);

        await circuit.ChangeUserAsync(HandlerCircuit.Anonymous("b1"));

        Assert.Equal(["room:open"], MembershipsOf("c1"));
        Assert.False(members.IsJoined);
        Assert.True(open.IsJoined);
        Assert.Equal(0, members.State<Counter>().Value.Value);
        Assert.Empty(members.Presence.Members);
        await Assert.ThrowsAsync<LiveRoomAccessDeniedException>(() => members.State<Counter>().MutateAsync(c => c.Value = 0));
        await Assert.ThrowsAsync<LiveRoomAccessDeniedException>(() => members.SetMetadataAsync("name", "x"));
        await members.LeaveAsync();
        Assert.Equal(7, _server.States.Get<Counter>("room:members").Value);
    }

    [Fact]
    public async Task AJoinAuthorizedForThePrincipalBeforeASignInIsAskedAgainForTheNewOne()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _authorizer.Decide = async (request, _) =>
        {
            if (request.User.Identity?.IsAuthenticated != true)
            {
                asked.TrySetResult();
                return await answer.Task;
            }

            return true;
        };
        await using var circuit = await HandlerCircuit.OpenAsync(_server, "c1", HandlerCircuit.Anonymous("b1"));

        var joining = circuit.JoinAsync("a", new FakeRoomOwner());
        await asked.Task.WaitAsync(Wait.Deadline);
        await circuit.ChangeUserAsync(HandlerCircuit.SignedIn("alice", "b1"));
        answer.SetResult(true);
        var room = await joining.WaitAsync(Wait.Deadline);

        Assert.True(room.IsJoined);
        Assert.Equal(2, _authorizer.Requests.Count);
        Assert.Equal("alice", _authorizer.Requests[1].Identity.UserId);
        var info = _server.Registry.Find("c1")!;
        Assert.Equal("user:alice", info.GroupId);
        Assert.Equal(["room:a"], info.Identity.Memberships);
    }

    [Fact]
    public async Task ClosingTheCircuitDropsItsRoomsAndItsMetadataAndTheOthersSeeItGo()
    {
        await using var stays = await HandlerCircuit.OpenAsync(_server, "stays", HandlerCircuit.SignedIn("bob", "b2"));
        await using var closes = await HandlerCircuit.OpenAsync(_server, "closes", HandlerCircuit.SignedIn("alice", "b1"));
        var watcher = await stays.JoinAsync("a", new FakeRoomOwner());
        var leaving = await closes.JoinAsync("a", new FakeRoomOwner(), new Dictionary<string, string> { ["name"] = "Alice" });
        Assert.Equal([null, "Alice"], watcher.Presence.Members.Select(m => m.Get("name")).OrderBy(n => n));

        await closes.CloseAsync();
        await closes.Context.Rooms.Cleanup.WaitAsync(Wait.Deadline);

        Assert.Equal(1, _server.Registry.CountGroup("room:a"));
        Assert.Single(watcher.Presence.Members);
        Assert.True(watcher.Presence.Members[0].IsSelf);
        Assert.False(leaving.IsJoined);
        Assert.DoesNotContain("closes", _server.States.Get<RoomMembers>("room:a").Members.Keys);
        Assert.Empty(closes.Context.Rooms.JoinedRoomIds);
    }

    [Fact]
    public async Task ADisposedComponentLeavesAndTakesItsMetadataAlong()
    {
        var carol = Tab<RoomPair>(Carol);
        carol.Component.WaitForAssertion(() => Assert.Equal(2, carol.Component.FindComponents<RoomProbe>().Count(p => p.Instance.Room is not null)), Wait.Deadline);
        await carol.Component.FindComponents<RoomProbe>()[0].Instance.Room!.SetMetadataAsync("name", "Carol");
        var bob = Tab<RoomProbe>(Bob);
        bob.Component.WaitForAssertion(() => Assert.Contains("Carol|", bob.Component.Markup, StringComparison.Ordinal), Wait.Deadline);

        // The page goes away: both its components are disposed, the circuit leaves, its metadata goes.
        carol.Component.Render(p => p.Add(x => x.ShowFirst, false).Add(x => x.ShowSecond, false));
        await carol.Context.Rooms.Cleanup.WaitAsync(Wait.Deadline);
        bob.Component.WaitForAssertion(() => Assert.Equal("1", bob.Component.Find(".count").TextContent), Wait.Deadline);
        Assert.DoesNotContain("Carol|", bob.Component.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(carol.Id, _server.States.Get<RoomMembers>("room:a").Members.Keys);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("braces{x}")]
    [InlineData("slash/x")]
    [InlineData("ünïcode")]
    public async Task AnInvalidRoomIdIsRefusedBeforeAnythingHappens(string roomId)
    {
        Assert.False(LiveRooms.IsValidId(roomId));
        await using var circuit = await HandlerCircuit.OpenAsync(_server, "c1", HandlerCircuit.Anonymous("b1"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => circuit.JoinAsync(roomId, new FakeRoomOwner()));
        Assert.Throws<ArgumentException>(() => LiveRooms.GroupId(roomId));
        Assert.Throws<ArgumentException>(() => LiveRooms.GroupId(new string('x', LiveRooms.MaxIdLength + 1)));
        Assert.Empty(_authorizer.Requests);
    }
}
