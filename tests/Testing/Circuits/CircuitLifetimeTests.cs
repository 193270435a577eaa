using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Circuits;

public sealed class CircuitLifetimeTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    public CircuitLifetimeTests() => _ctx.AddLiveState();

    public void Dispose() => _ctx.Dispose();

    private ILiveCircuitRegistry Registry => _ctx.Services.GetRequiredService<ILiveCircuitRegistry>();

    [Fact]
    public void DisconnectAndReconnectShowInTheRegistry()
    {
        var tab = _ctx.OpenCircuit(LiveTestIdentity.User("alice"));

        tab.Disconnect();
        Assert.False(tab.IsConnected);
        Assert.False(Registry.Find(tab.Id)!.IsConnected);
        Assert.Equal(1, Registry.CountUser("alice"));

        tab.Reconnect();
        Assert.True(tab.IsConnected);
    }

    [Fact]
    public void ClosingRemovesTheCircuitEverywhere()
    {
        var tab = _ctx.OpenCircuit(LiveTestIdentity.User("alice"));
        tab.Render<CounterButton>();

        tab.Close();
        tab.Close();

        Assert.False(tab.IsOpen);
        Assert.False(tab.IsConnected);
        Assert.Null(Registry.Find(tab.Id));
        Assert.Equal(0, Registry.Count);
        Assert.Empty(_ctx.LiveCircuits());
        Assert.Throws<ObjectDisposedException>(() => tab.Render<CounterButton>());
    }

    [Fact]
    public void AClosedTabNoLongerReceivesUpdates()
    {
        var alice = LiveTestIdentity.User("alice");
        var open = _ctx.OpenCircuit(alice);
        var closed = _ctx.OpenCircuit(alice);
        open.Render<CounterButton>();
        closed.Render<CounterButton>();
        closed.Close();
        _ctx.LiveBroadcasts().Clear();

        _ctx.SetGroupState(alice.GroupId, new CounterState { Count = 3 });

        var update = Assert.Single(_ctx.LiveBroadcasts().OfKind(LiveBroadcastKind.SlotChanged));
        Assert.Equal(1, update.ReachedCount);
        Assert.Equal([open], update.Rerendered);
    }

    [Fact]
    public void OtherTabsOfTheGroupSeeATabOpenAndClose()
    {
        var alice = LiveTestIdentity.User("alice");
        var counter = _ctx.RenderLive<CounterButton>(alice);
        Assert.Equal("1", counter.Find(".tabs").TextContent);

        var phone = _ctx.OpenCircuit(alice);
        counter.WaitForAssertion(() => Assert.Equal("2", counter.Find(".tabs").TextContent), Deadline.Render);

        phone.Close();
        counter.WaitForAssertion(() => Assert.Equal("1", counter.Find(".tabs").TextContent), Deadline.Render);
    }

    [Fact]
    public void MovingACircuitShowsItsNewGroupsState()
    {
        var alice = LiveTestIdentity.User("alice");
        _ctx.SetGroupState(alice.GroupId, new CounterState { Count = 7 });
        var tab = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));
        var counter = tab.Render<CounterButton>();
        Assert.Equal("0", counter.Find(".count").TextContent);

        tab.MoveTo(alice);

        Assert.Equal(alice, tab.Identity);
        Assert.Equal(0, Registry.CountGroup(LiveIdentity.BrowserGroup("laptop")));
        Assert.Equal(1, Registry.CountGroup(alice.GroupId));
        counter.WaitForAssertion(() => Assert.Equal("7", counter.Find(".count").TextContent), Deadline.Render);
        Assert.Equal("alice", counter.Find(".who").TextContent);
    }

    [Fact]
    public void ChangingTheUserResolvesThroughTheAppsResolver()
    {
        var tab = _ctx.OpenCircuit(LiveTestPrincipal.Anonymous("laptop"));

        tab.ChangeUser(LiveTestPrincipal.User("alice", browserId: "laptop"));
        Assert.Equal(LiveTestIdentity.User("alice"), tab.Identity);

        tab.ChangeUser(LiveTestPrincipal.Anonymous("laptop"));
        Assert.Equal(LiveTestIdentity.Browser("laptop"), tab.Identity);
    }

    [Fact]
    public void DisposingTheTestContextDropsItsCircuits()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var tab = ctx.OpenCircuit(LiveTestIdentity.User("alice"));
        tab.Render<CounterButton>();

        ctx.Dispose();

        Assert.False(tab.IsOpen);
    }

    [Fact]
    public void RerenderCountCountsOnlyRendersFromBroadcastsThatReachedTheCircuit()
    {
        var alice = _ctx.OpenCircuit(LiveTestIdentity.User("alice"));
        var bob = _ctx.OpenCircuit(LiveTestIdentity.User("bob"));
        var counter = alice.Render<CounterButton>();
        bob.Render<CounterButton>();
        Assert.Equal(0, alice.RerenderCount);

        _ctx.SetGroupState("user:bob", new CounterState { Count = 1 });
        Assert.Equal(0, alice.RerenderCount);
        Assert.Equal(1, bob.RerenderCount);

        counter.Render();
        Assert.Equal(0, alice.RerenderCount);

        _ctx.SetGroupState("user:alice", new CounterState { Count = 1 });
        Assert.Equal(1, alice.RerenderCount);
    }
}

public sealed class WithoutAddLiveStateTests
{
    [Fact]
    public void OpeningACircuitSaysWhatIsMissing()
    {
        using var ctx = new BunitContext();

        var error = Assert.Throws<InvalidOperationException>(() => ctx.OpenCircuit(LiveTestIdentity.User("alice")));

        Assert.Contains("AddLiveState", error.Message, StringComparison.Ordinal);
    }
}

public sealed class CircuitServicesTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    public CircuitServicesTests() => _ctx.AddLiveState();

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public void EachTabsAuthenticationStateCarriesItsOwnUser()
    {
        var alice = _ctx.OpenCircuit(LiveTestIdentity.User("alice")).Render<WhoAmI>();
        var anonymous = _ctx.OpenCircuit(LiveTestPrincipal.Anonymous("laptop")).Render<WhoAmI>();
        var bob = _ctx.OpenCircuit(LiveTestPrincipal.User("bob")).Render<WhoAmI>();

        Assert.Equal("alice", alice.Find(".name").TextContent);
        Assert.Equal("anonymous", anonymous.Find(".name").TextContent);
        Assert.Equal("bob", bob.Find(".name").TextContent);
    }

    [Fact]
    public void MovingATabAwayUpdatesThePresenceOfTheGroupItLeft()
    {
        var laptop = LiveTestIdentity.Browser("laptop");
        var stays = _ctx.RenderLive<CounterButton>(laptop);
        var leaves = _ctx.OpenCircuit(laptop);
        stays.WaitForAssertion(() => Assert.Equal("2", stays.Find(".tabs").TextContent), Deadline.Render);

        leaves.MoveTo(LiveTestIdentity.User("alice"));

        stays.WaitForAssertion(() => Assert.Equal("1", stays.Find(".tabs").TextContent), Deadline.Render);
    }

    [Fact]
    public void EachTabHasItsOwnRendererAndJSInterop()
    {
        var first = _ctx.OpenCircuit(LiveTestIdentity.User("alice"));
        var second = _ctx.OpenCircuit(LiveTestIdentity.User("alice"));

        Assert.NotSame(first.Context, second.Context);
        Assert.NotSame(first.Context.Renderer, second.Context.Renderer);
        Assert.NotSame(first.Context.JSInterop, second.Context.JSInterop);
    }
}
