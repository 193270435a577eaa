using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Circuits;

public sealed class CircuitRegistryTests
{
    private static readonly LiveIdentity AliceOnLaptop = new("user:alice", "alice");

    [Fact]
    public void OpenRegistersAndCloseRemoves()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;

        registry.Register("c1", AliceOnLaptop);

        Assert.Equal(1, registry.Count);
        Assert.Equal("c1", Assert.Single(registry.GetCircuitsOfGroup("user:alice")).CircuitId);
        Assert.Equal(["alice"], registry.GetOnlineUsers());
        Assert.True(registry.Find("c1")!.IsConnected);

        Assert.NotNull(registry.Unregister("c1"));

        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.GetCircuitsOfGroup("user:alice"));
        Assert.Empty(registry.GetOnlineUsers());
        Assert.Null(registry.Find("c1"));
        Assert.Null(registry.Unregister("c1"));
    }

    [Fact]
    public void RegisteringTheSameCircuitTwiceIsAnError()
    {
        using var server = new LiveTestServer();
        server.Registry.Register("c1", AliceOnLaptop);

        Assert.Throws<InvalidOperationException>(() => server.Registry.Register("c1", AliceOnLaptop));
        Assert.Equal(1, server.Registry.Count);
    }

    [Fact]
    public void ConnectionDownAndUpAreTrackedAndReported()
    {
        using var server = new LiveTestServer();
        var changes = new List<LiveCircuitChangeKind>();
        server.Registry.Changed += (_, e) => changes.Add(e.Kind);
        server.Registry.Register("c1", AliceOnLaptop);

        Assert.NotNull(server.Registry.SetConnected("c1", connected: false));
        Assert.False(server.Registry.Find("c1")!.IsConnected);
        Assert.Null(server.Registry.SetConnected("c1", connected: false));
        Assert.NotNull(server.Registry.SetConnected("c1", connected: true));
        Assert.True(server.Registry.Find("c1")!.IsConnected);
        server.Registry.Unregister("c1");

        Assert.Equal([LiveCircuitChangeKind.Opened, LiveCircuitChangeKind.Disconnected, LiveCircuitChangeKind.Reconnected, LiveCircuitChangeKind.Closed], changes);
        Assert.Null(server.Registry.SetConnected("c1", connected: true));
    }

    [Fact]
    public void MoveReindexesByGroupAndUser()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        LiveCircuitChangedEventArgs? moved = null;
        registry.Changed += (_, e) => moved = e.Kind == LiveCircuitChangeKind.Moved ? e : moved;
        registry.Register("c1", new LiveIdentity("browser:b1"));

        var previous = registry.Move("c1", AliceOnLaptop);

        Assert.Equal("browser:b1", previous!.GroupId);
        Assert.Equal(0, registry.CountGroup("browser:b1"));
        Assert.Equal(1, registry.CountGroup("user:alice"));
        Assert.Equal(1, registry.CountUser("alice"));
        Assert.Equal("browser:b1", moved!.PreviousIdentity!.GroupId);
        Assert.Null(registry.Move("c1", AliceOnLaptop));
    }

    [Fact]
    public void GroupAndUserLookupsAreExact()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        registry.Register("a1", new LiveIdentity("user:alice", "alice"));
        registry.Register("a2", new LiveIdentity("user:alice", "alice"));
        registry.Register("b1", new LiveIdentity("user:bob", "bob"));
        registry.Register("x1", new LiveIdentity("browser:x"));
        registry.Register("t1", new LiveIdentity("user:carol", "carol", ["team:red"]));
        registry.Register("t2", new LiveIdentity("user:dave", "dave", ["team:red"]));

        Assert.Equal(["a1", "a2"], registry.GetCircuitsOfGroup("user:alice").Select(c => c.CircuitId).Order());
        Assert.Equal(["a1", "a2"], registry.GetCircuitsOfUser("alice").Select(c => c.CircuitId).Order());
        Assert.Equal(["b1"], registry.GetCircuitsOfUser("bob").Select(c => c.CircuitId));
        Assert.Equal(["x1"], registry.GetCircuitsOfGroup("browser:x").Select(c => c.CircuitId));
        Assert.Equal(["t1", "t2"], registry.GetCircuitsOfGroup("team:red").Select(c => c.CircuitId).Order());
        Assert.Empty(registry.GetCircuitsOfGroup("user:alic"));
        Assert.Empty(registry.GetCircuitsOfUser("browser:x"));
        Assert.Equal(["alice", "bob", "carol", "dave"], registry.GetOnlineUsers().Order());
        Assert.Equal(6, registry.GetAll().Count);
        Assert.Contains("team:red", registry.GetActiveGroups());
    }

    [Fact]
    public void AThrowingChangeHandlerDoesNotBreakTheRegistry()
    {
        using var server = new LiveTestServer();
        var seen = 0;
        server.Registry.Changed += (_, _) => throw new InvalidOperationException("observer bug");
        server.Registry.Changed += (_, _) => seen++;

        server.Registry.Register("c1", AliceOnLaptop);
        server.Registry.Unregister("c1");

        Assert.Equal(2, seen);
        Assert.Equal(0, server.Registry.Count);
    }
}
