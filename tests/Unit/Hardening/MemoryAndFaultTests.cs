using System.Runtime.CompilerServices;
using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Concurrency;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>Heap measurements need the machine to themselves, so these run with the other heavy tests.</summary>
[Collection(nameof(HeavyConcurrencyTests))]
public sealed class MemoryAndFaultTests : IDisposable
{
    private readonly LiveTestServer _server = new(services: s => s.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider()));

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task HundredThousandRequestsWithoutCookiesCreateNoGroupState()
    {
        var middleware = new LiveStateMiddleware(
            context =>
            {
                // What a prerender does: read the group's state.
                var browserId = DefaultLiveIdentityResolver.FindBrowserId(context.User)!;
                _ = _server.States.Get<Counter>(LiveIdentity.BrowserGroup(browserId));
                return Task.CompletedTask;
            },
            _server.Services.GetRequiredService<BrowserIdCookie>(),
            _server.Services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>(),
            TimeProvider.System,
            NullLogger<LiveStateMiddleware>.Instance);

        for (var i = 0; i < 100_000; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "GET";
            context.Request.Path = "/";
            context.Request.Headers.Accept = "text/html";
            await middleware.InvokeAsync(context);
        }

        Assert.Equal(0, _server.MemoryStore.Count);
    }

    private async Task OpenAndCloseAsync(string circuitId)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        ((ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(LiveStateClaimTypes.BrowserId, "b" + (circuitId.Length % 10))]) { Label = LiveStateClaimTypes.BrowserIdentityLabel }))));
        var handler = scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
        await handler.OpenAsync(circuitId, CancellationToken.None);
        await handler.CloseAsync(circuitId);
    }

    [Fact]
    public async Task HundredThousandCircuitCyclesLeaveNothingBehind()
    {
        for (var i = 0; i < 1_000; i++)
        {
            await OpenAndCloseAsync($"warm-{i}");
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 100_000; i++)
        {
            await OpenAndCloseAsync($"circuit-{i}");
        }

        var growth = GC.GetTotalMemory(forceFullCollection: true) - before;

        Assert.Equal(0, _server.Registry.Count);
        Assert.Equal(0, _server.Registry.GroupBucketCount);
        Assert.Equal(0, _server.Registry.UserBucketCount);
        Assert.True(growth < 5 * 1024 * 1024, $"heap grew by {growth:N0} bytes over 100,000 circuits");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private List<(string What, WeakReference Reference)> OpenRenderAndClose()
    {
        // A circuit with a component of each kind: one taking the cascade, live components reading slots, presence and
        // another group by id; and a callback subscription.
        var tab = _server.Open<GroupProbe>(new LiveIdentity("browser:weak"));
        var live = _server.Open<Toggle>(new LiveIdentity("browser:weak"));
        live.Component.Render(p => p.Add(t => t.Show, true).Add(t => t.Watch, "team:weak"));
        using var callback = live.Bunit.Services.GetRequiredService<ILiveState<Counter>>().Subscribe(() => { });
        var tracked = new List<(string, WeakReference)>
        {
            ("the cascade reader", new WeakReference(tab.Component.Instance)),
            ("the toggle", new WeakReference(live.Component.Instance)),
            ("the live component", new WeakReference(live.Component.FindComponent<WatchingProbe>().Instance)),
            ("the circuit's context", new WeakReference(live.Context)),
            ("the circuit's state", new WeakReference(live.Context.State)),
            ("the renderer", new WeakReference(live.Bunit.Renderer)),
        };
        var entry = _server.Registry.FindCircuit(live.Id)!;
        tab.Close();
        live.Close();

        // The registry's entry may linger in its ordered list until that compacts; it keeps nothing of the circuit.
        Assert.True(entry.Removed);
        Assert.Empty(entry.Targets);
        Assert.Empty(entry.Watching());
        return tracked;
    }

    [Fact]
    public void AClosedCircuitLeavesNothingBehindItsComponentsContextStateEntryAndRenderer()
    {
        var tracked = OpenRenderAndClose();

        for (var i = 0; i < 5 && tracked.Any(t => t.Reference.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Empty(tracked.Where(t => t.Reference.IsAlive).Select(t => t.What));
        Assert.Equal(0, _server.Registry.Count);
        Assert.Empty(_server.Registry.CircuitsWatching("team:weak"));
    }

    [Fact]
    public async Task ACircuitDisposedInTheMiddleOfABroadcastIsSkipped()
    {
        var healthy = _server.Open<GroupProbe>(new LiveIdentity("user:mid", "mid"));
        var dying = _server.Registry.Register("dying", new LiveIdentity("user:mid", "mid"));
        var gated = new FakeRenderTarget(RenderBehaviour.Gated);
        dying.AddTarget(gated);
        var renders = healthy.Component.Instance.Renders;

        var broadcast = _server.Broadcaster.BroadcastToGroupAsync("user:mid").AsTask();
        await gated.Queued.Task.WaitAsync(Wait.Deadline);
        _server.Registry.Unregister("dying");
        gated.RendererDisposed = true;
        gated.OpenGate();

        Assert.Equal(1, await broadcast.WaitAsync(Wait.Deadline));
        await Wait.UntilAsync(() => healthy.Component.Instance.Renders > renders, "the healthy tab rendered");
    }

    [Fact]
    public async Task AHungCircuitDelaysABroadcastByNoMoreThanTheConfiguredTimeout()
    {
        // The host's clock, moved by hand: the wait for the hung circuit is measured in its time, not the machine's.
        var configured = TimeSpan.FromMilliseconds(300);
        var time = new Broadcasting.CountingTimeProvider();
        using var server = new LiveTestServer(
            o =>
            {
                o.DeliveryTimeout = configured;
                o.BroadcastPresenceChanges = false;
            },
            s => s.AddSingleton<TimeProvider>(time));
        server.Registry.Register("hung", new LiveIdentity("user:h", "h")).AddTarget(new FakeRenderTarget(RenderBehaviour.Hang));
        var fine = new FakeRenderTarget();
        server.Registry.Register("fine", new LiveIdentity("user:h", "h")).AddTarget(fine);

        var broadcast = server.Broadcaster.BroadcastToGroupAsync("user:h").AsTask();
        await Wait.UntilAsync(() => time.Created == 1, "the broadcast waits for the hung circuit");

        // Not a moment less than the configured timeout (nor the 5 s default: it ends at 300 ms)...
        time.Advance(configured - TimeSpan.FromTicks(1));
        Assert.False(broadcast.IsCompleted);
        Assert.Equal(1, fine.Renders);

        // ...and not a moment more.
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await broadcast.WaitAsync(Wait.Deadline));
        Assert.Equal(configured, time.GetUtcNow() - time.Start);
    }
}
