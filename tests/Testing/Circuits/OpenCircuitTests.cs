using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Circuits;

public sealed class OpenCircuitTests : IDisposable
{
    private readonly BunitContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    private ILiveCircuitRegistry Registry => _ctx.Services.GetRequiredService<ILiveCircuitRegistry>();

    [Fact]
    public void AnOpenedCircuitIsInTheRegistryWithItsIdentityAndConnected()
    {
        _ctx.AddLiveState();
        var identity = LiveTestIdentity.User("alice", "team:red");

        var tab = _ctx.OpenCircuit(identity);

        var info = Registry.Find(tab.Id);
        Assert.NotNull(info);
        Assert.Equal(identity, info.Identity);
        Assert.Equal(identity, tab.Identity);
        Assert.True(tab.IsOpen);
        Assert.True(tab.IsConnected);
        Assert.Equal(1, Registry.CountGroup("team:red"));
        Assert.Equal([tab], _ctx.LiveCircuits());
    }

    [Fact]
    public void TheCircuitsStateIsTheCascadedOneAndLive()
    {
        _ctx.AddLiveState();
        var tab = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));

        var counter = tab.Render<CounterButton>();

        Assert.Same(tab.State, counter.Instance.State);
        Assert.True(tab.State.IsLive);
        Assert.Equal(tab.Id, tab.State.CircuitId);
        Assert.Equal(LiveIdentity.BrowserGroup("laptop"), tab.State.GroupId);
    }

    [Fact]
    public void APrincipalIsResolvedByTheDefaultResolver()
    {
        _ctx.AddLiveState();

        var anonymous = _ctx.OpenCircuit(LiveTestPrincipal.Anonymous("laptop"));
        var alice = _ctx.OpenCircuit(LiveTestPrincipal.User("alice", browserId: "laptop"));

        Assert.Equal(LiveTestIdentity.Browser("laptop"), anonymous.Identity);
        Assert.Equal(LiveTestIdentity.User("alice"), alice.Identity);
    }

    [Fact]
    public void APrincipalIsResolvedByTheAppsOwnResolver()
    {
        _ctx.AddLiveState().AddIdentityResolver<TeamResolver>();

        var alice = _ctx.OpenCircuit(LiveTestPrincipal.User("alice", null, new System.Security.Claims.Claim("team", "red")));
        var bob = _ctx.OpenCircuit(LiveTestPrincipal.User("bob", null, new System.Security.Claims.Claim("team", "red")));

        Assert.Equal("team:red", alice.Identity.GroupId);
        Assert.Equal("alice", alice.Identity.UserId);
        Assert.Equal(2, Registry.CountGroup("team:red"));
        Assert.Equal(1, Registry.CountUser("bob"));
    }

    [Fact]
    public void ALiveTestIdentityAndTheMatchingPrincipalShareOneGroup()
    {
        _ctx.AddLiveState();
        var byIdentity = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop")).Render<TodoBoard>();
        var byPrincipal = _ctx.OpenCircuit(LiveTestPrincipal.Anonymous("laptop")).Render<TodoBoard>();

        byIdentity.Find("input.new-todo").Input("shared");
        byIdentity.Find("button.add").Click();

        byPrincipal.WaitForAssertion(() => Assert.Equal("shared", byPrincipal.Find("li").TextContent), Deadline.Render);
    }

    [Fact]
    public void EachCircuitHasItsOwnScopeAndSharesTheSingletons()
    {
        _ctx.Services.AddScoped<TabScratchpad>();
        _ctx.Services.AddSingleton<LifecycleJournal>();
        _ctx.AddLiveState();

        var first = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));
        var second = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));

        var scratchpad = first.Context.Services.GetRequiredService<TabScratchpad>();
        Assert.Same(scratchpad, first.Context.Services.GetRequiredService<TabScratchpad>());
        Assert.NotEqual(scratchpad.Id, second.Context.Services.GetRequiredService<TabScratchpad>().Id);
        Assert.Same(first.Context.Services.GetRequiredService<LifecycleJournal>(), second.Context.Services.GetRequiredService<LifecycleJournal>());
        Assert.Same(_ctx.Services.GetRequiredService<ILiveBroadcaster>(), second.Context.Services.GetRequiredService<ILiveBroadcaster>());
    }

    [Fact]
    public void LifecycleHandlersHearEveryStepOfACircuit()
    {
        _ctx.Services.AddSingleton<LifecycleJournal>();
        _ctx.AddLiveState().AddLifecycleHandler<JournalingLifecycleHandler>();
        var journal = _ctx.Services.GetRequiredService<LifecycleJournal>();

        var tab = _ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));
        tab.Disconnect();
        tab.Reconnect();
        tab.MoveTo(LiveTestIdentity.User("alice"));
        tab.Close();

        Assert.Equal(
            [
                $"{tab.Id} connected {LiveIdentity.BrowserGroup("laptop")}",
                $"{tab.Id} disconnected {LiveIdentity.BrowserGroup("laptop")}",
                $"{tab.Id} reconnected {LiveIdentity.BrowserGroup("laptop")}",
                $"{tab.Id} moved from {LiveIdentity.BrowserGroup("laptop")} user:alice",
                $"{tab.Id} disconnected user:alice",
                $"{tab.Id} closed user:alice",
            ],
            journal.Events);
    }
}
