using System.Security.Claims;
using Bunit;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Components;

public sealed class SessionGroupStateCascadeTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ComponentRerendersWhenAnotherCircuitOfItsGroupUpdates()
    {
        var mine = _server.Open<GroupProbe>(new LiveIdentity("browser:shared"));
        var other = _server.Open<GroupProbe>(new LiveIdentity("browser:shared"));
        var renders = mine.Component.Instance.Renders;

        await other.State.MutateAsync<Counter>(c => c.Value = 12);

        mine.Component.WaitForAssertion(() => Assert.Equal("12", mine.Component.Find(".value").TextContent), Wait.Deadline);
        Assert.True(mine.Component.Instance.Renders > renders);
    }

    [Fact]
    public void CascadedStateCarriesTheCircuitsIdentity()
    {
        var tab = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"));

        Assert.Equal("user:alice", tab.Component.Find(".group").TextContent);
        Assert.Same(tab.State, tab.Component.Instance.State);
    }

    [Fact]
    public void DisposingALiveComponentEndsItsSubscription()
    {
        var tab = _server.Open<LiveProbe>(new LiveIdentity("user:alice", "alice"));
        var circuit = _server.Registry.FindCircuit(tab.Id)!;
        var counterChanged = LiveState.Blazor.Circuits.LiveChange.Slot("user:alice", LiveState.Blazor.SlotKey<Counter>.Value);
        Assert.True(circuit.Wants(counterChanged));
        var targets = circuit.Targets.Length;

        tab.Bunit.Dispose();

        Assert.Equal(targets - 1, circuit.Targets.Length);
        Assert.False(circuit.Wants(counterChanged));
    }

    [Fact]
    public async Task PrerenderingWithoutACircuitResolvesTheIdentityFromTheAuthenticationState()
    {
        using var bunit = new BunitContext();
        bunit.Services.AddFallbackServiceProvider(_server.Services);
        var principal = new ClaimsPrincipal(new ClaimsIdentity());
        principal.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "pre")]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        var auth = new ServerAuthenticationStateProvider();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));
        bunit.Services.AddSingleton<AuthenticationStateProvider>(auth);
        var context = new LiveState.Blazor.Circuits.LiveCircuitContext(
            _server.Registry,
            _server.Presence,
            _server.Services.GetRequiredService<LiveState.Blazor.State.SessionGroupStateService>(),
            _server.Services.GetRequiredService<ILiveIdentityResolver>(),
            _server.Services.GetRequiredService<LiveState.Blazor.Diagnostics.LiveStateMetrics>(),
            bunit.Services,
            _server.Services.GetRequiredService<LiveState.Blazor.Circuits.DispatcherIndex>());
        bunit.Services.AddCascadingValue<SessionGroupState>(_ => context.Cascade);
        var group = LiveIdentity.BrowserGroup("pre");
        await _server.States.MutateAsync<Counter>(group, c => c.Value = 5);

        bunit.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        var probe = bunit.Render<GroupProbe>();

        Assert.Equal(group, probe.Find(".group").TextContent);
        Assert.Equal("5", probe.Find(".value").TextContent);
        Assert.False(probe.Instance.State!.IsLive);
        Assert.Null(probe.Instance.State.CircuitId);
    }
}
