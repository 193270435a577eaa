using System.Reflection;
using System.Runtime.CompilerServices;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace LiveState.Blazor.Tests.Broadcasting;

/// <summary>
/// The slow-render watchdog belongs to the host (DI) and runs on its <see cref="TimeProvider"/> (issue 13): a broadcast
/// whose renders complete inline arms no timer at all, one that must wait arms one deadline, which the host's clock
/// ends; nothing in the broadcaster is process-wide.
/// </summary>
public sealed class SlowRenderWatchdogTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly LiveIdentity Group = new("user:g", "g");
    private readonly CountingTimeProvider _time = new();
    private readonly LiveTestServer _server;

    public SlowRenderWatchdogTests()
    {
        _server = new LiveTestServer(
            options =>
            {
                // Presence renders would arm their own (coalescing) timers; these tests count the broadcaster's.
                options.BroadcastPresenceChanges = false;
                options.DeliveryTimeout = Timeout;
            },
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddFakeLogging();
            });
    }

    public void Dispose() => _server.Dispose();

    private FakeRenderTarget Register(string circuitId, RenderBehaviour behaviour = RenderBehaviour.Render, LiveIdentity? identity = null)
    {
        var target = new FakeRenderTarget(behaviour);
        _server.Registry.Register(circuitId, identity ?? Group).AddTarget(target);
        return target;
    }

    [Fact]
    public async Task BroadcastsWhoseRendersCompleteInlineArmNoTimer()
    {
        var targets = Enumerable.Range(0, 3).Select(i => Register($"tab-{i}")).ToArray();
        Register("other", identity: new LiveIdentity("user:o", "o"));

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(3, await _server.Broadcaster.BroadcastToGroupAsync("user:g"));
            Assert.Equal(4, await _server.Broadcaster.BroadcastToUsersAsync(["g", "o"]));
            Assert.Equal(4, await _server.Broadcaster.BroadcastToAllAsync());
            Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("tab-0"));
            Assert.Equal(3, await _server.Broadcaster.BroadcastAsync(c => c.UserId == "g"));
        }

        Assert.Equal(500, targets[0].Renders);
        Assert.All(targets[1..], t => Assert.Equal(400, t.Renders));
        Assert.Equal(0, _time.Created);
    }

    [Fact]
    public async Task AWaitForAHungRenderEndsWhenTheHostClockSaysTheTimeoutPassed()
    {
        Register("fast-1");
        Register("hung", RenderBehaviour.Hang);
        Register("fast-2");

        var broadcast = _server.Broadcaster.BroadcastToGroupAsync("user:g").AsTask();

        // One deadline, armed through the host's clock, and nothing else.
        await Wait.UntilAsync(() => _time.Created == 1, "the deadline was armed");
        Assert.False(broadcast.IsCompleted);

        _time.Advance(Timeout - TimeSpan.FromSeconds(1));
        Assert.False(broadcast.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await broadcast.WaitAsync(Wait.Deadline));
        var slow = Assert.Single(_server.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 21);
        Assert.Contains("hung", slow.Message, StringComparison.Ordinal);
        Assert.Equal(0, _time.Alive);
    }

    [Fact]
    public async Task ARenderThatFinishesInTimeDisarmsItsDeadline()
    {
        var gated = Register("busy", RenderBehaviour.Gated);
        Register("idle");

        var broadcast = _server.Broadcaster.BroadcastToGroupAsync("user:g").AsTask();
        await gated.Queued.Task.WaitAsync(Wait.Deadline);
        await Wait.UntilAsync(() => _time.Created == 1, "the deadline was armed");

        gated.OpenGate();
        Assert.Equal(2, await broadcast.WaitAsync(Wait.Deadline));
        Assert.Equal(0, _time.Alive);

        // The deadline passing later changes nothing and logs nothing.
        _time.Advance(Timeout * 2);
        Assert.DoesNotContain(_server.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 21);
    }

    [Fact]
    public async Task TwoHostsInOneProcessDoNotShareAWatchdog()
    {
        var otherTime = new CountingTimeProvider();
        using var other = new LiveTestServer(
            options => options.DeliveryTimeout = Timeout,
            services => services.AddSingleton<TimeProvider>(otherTime));
        other.Registry.Register("hung", Group).AddTarget(new FakeRenderTarget(RenderBehaviour.Hang));
        Register("hung", RenderBehaviour.Hang);

        var here = _server.Broadcaster.BroadcastToGroupAsync("user:g").AsTask();
        var there = other.Broadcaster.BroadcastToGroupAsync("user:g").AsTask();
        await Wait.UntilAsync(() => _time.Created == 1 && otherTime.Created == 1, "each host armed its own deadline");

        // Only this host's clock moves: only its broadcast ends.
        _time.Advance(Timeout);
        Assert.Equal(0, await here.WaitAsync(Wait.Deadline));
        Assert.False(there.IsCompleted);

        otherTime.Advance(Timeout);
        Assert.Equal(0, await there.WaitAsync(Wait.Deadline));
        Assert.NotSame(_server.Services.GetRequiredService<SlowRenderWatchdog>(), other.Services.GetRequiredService<SlowRenderWatchdog>());
    }

    [Fact]
    public void TheBroadcasterHoldsNoProcessWideState()
    {
        var types = typeof(Broadcaster).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Broadcaster).Namespace && !t.IsDefined(typeof(CompilerGeneratedAttribute)) && !t.IsEnum);
        var statics = types
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.IsLiteral && !f.IsDefined(typeof(CompilerGeneratedAttribute)))
                .Select(f => $"{t.Name}.{f.Name}"))
            .ToArray();

        Assert.True(statics.Length == 0, $"static fields in the broadcaster: {string.Join(", ", statics)}");
    }
}
