using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Broadcasting;

/// <summary>How a broadcast delivers: what a caller's error leaves behind, and what a blocking render holds up.</summary>
public sealed class BroadcastDeliveryTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    private FakeRenderTarget Register(string circuitId, LiveIdentity identity, RenderBehaviour behaviour = RenderBehaviour.Render)
    {
        var target = new FakeRenderTarget(behaviour);
        _server.Registry.Register(circuitId, identity).AddTarget(target);
        return target;
    }

    [Fact]
    public async Task AFilterThatThrowsHalfwayRendersNothingAndLeavesNoCircuitDeaf()
    {
        var first = Register("first", new LiveIdentity("user:a", "a"));
        Register("second", new LiveIdentity("user:b", "b"));

        // The filter accepts the first circuit, then throws on the second: it sees every circuit before any renders.
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _server.Broadcaster.BroadcastAsync(c => c.UserId == "a" ? true : throw new InvalidOperationException("filter broke")));

        Assert.Equal(0, first.Renders);
        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:a"));
        Assert.Equal(1, first.Renders);
    }

    [Fact]
    public async Task AUserListWithANullIdRendersNothingAndLeavesNoCircuitDeaf()
    {
        var alice = Register("alice", new LiveIdentity("user:alice", "alice"));

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(["alice", null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(Users("alice", null!)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(Throwing("alice")));

        // Every id is read and checked before anything renders, lists and lazy sequences alike.
        Assert.Equal(0, alice.Renders);
        Assert.Equal(1, await _server.Broadcaster.BroadcastToUsersAsync(Users("alice")));
        Assert.Equal(1, alice.Renders);

        static IEnumerable<string> Users(params string[] ids)
        {
            foreach (var id in ids)
            {
                yield return id;
            }
        }

        static IEnumerable<string> Throwing(string id)
        {
            yield return id;
            throw new InvalidOperationException("the sequence broke");
        }
    }

    [Fact]
    public async Task ARenderThatBlocksAPoolWorkerDoesNotHoldUpTheOtherCircuitsOfTheBroadcast()
    {
        // The caller renders inline until its slice is used: here the first 32 circuits use it (each advances the
        // host's clock a tenth of a millisecond), so the blocking circuit and the five after it go to pool workers.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var server = new LiveTestServer(options => options.BroadcastPresenceChanges = false, services => services.AddSingleton<TimeProvider>(time));
        using var gate = new ManualResetEventSlim();
        var blocker = new BlockingTarget(gate);
        try
        {
            var slow = Enumerable.Range(0, 32).Select(i => new ClockTarget(time)).ToArray();
            for (var i = 0; i < slow.Length; i++)
            {
                server.Registry.Register($"first-{i}", new LiveIdentity("user:g", "g")).AddTarget(slow[i]);
            }

            server.Registry.Register("blocks", new LiveIdentity("user:g", "g")).AddTarget(blocker);
            var others = Enumerable.Range(0, 5).Select(_ => new FakeRenderTarget()).ToArray();
            for (var i = 0; i < others.Length; i++)
            {
                server.Registry.Register($"other-{i}", new LiveIdentity("user:g", "g")).AddTarget(others[i]);
            }

            var broadcast = server.Broadcaster.BroadcastToGroupAsync("user:g").AsTask();
            await blocker.Blocked.Task.WaitAsync(Wait.Deadline);

            await Wait.UntilAsync(() => others.All(o => o.Renders == 1), "the other five circuits rendered while one render blocks a worker");
            Assert.False(broadcast.IsCompleted);

            gate.Set();
            Assert.Equal(38, await broadcast.WaitAsync(Wait.Deadline));
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task ARenderThatBlocksTheCallersThreadDelaysTheCircuitsAfterItUntilItReturnsAndAllCount()
    {
        using var gate = new ManualResetEventSlim();
        var blocker = new BlockingTarget(gate);
        try
        {
            _server.Registry.Register("blocks", new LiveIdentity("user:g", "g")).AddTarget(blocker);
            var others = Enumerable.Range(0, 5).Select(i => Register($"other-{i}", new LiveIdentity("user:g", "g"))).ToArray();

            // The caller's thread renders the blocking circuit itself (it has no dispatcher of its own).
            var broadcast = Task.Run(() => _server.Broadcaster.BroadcastToGroupAsync("user:g").AsTask());
            await blocker.Blocked.Task.WaitAsync(Wait.Deadline);
            Assert.All(others, o => Assert.Equal(0, o.Renders));

            gate.Set();
            Assert.Equal(6, await broadcast.WaitAsync(Wait.Deadline));
            Assert.All(others, o => Assert.Equal(1, o.Renders));
        }
        finally
        {
            gate.Set();
        }
    }

    /// <summary>Renders on the delivering thread, moving the host's clock on by a tenth of a millisecond: a render that takes time.</summary>
    private sealed class ClockTarget(Microsoft.Extensions.Time.Testing.FakeTimeProvider time) : ILiveRenderTarget
    {
        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 10));
            return Task.CompletedTask;
        }
    }

    /// <summary>A render that blocks its thread synchronously until a gate opens, as sync-over-async code in a component would.</summary>
    private sealed class BlockingTarget(ManualResetEventSlim gate) : ILiveRenderTarget
    {
        public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        // No dispatcher of its own: the delivering thread renders it, as it would a callback.
        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            Blocked.TrySetResult();
            gate.Wait(Wait.Deadline * 3);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Big and concurrent broadcasts: they run alone, as they saturate both cores.</summary>
[Collection("HeavyConcurrencyTests")]
public sealed class HeavyBroadcastDeliveryTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ABroadcastToAllOverTwentyThousandCircuitsReachesEachExactlyOnce()
    {
        const int circuits = 20_000;
        var targets = new FakeRenderTarget[circuits];
        for (var i = 0; i < circuits; i++)
        {
            targets[i] = new FakeRenderTarget();
            var user = $"u{i}";
            _server.Registry.Register($"c{i}", new LiveIdentity(LiveIdentity.UserGroup(user), user)).AddTarget(targets[i]);
        }

        Assert.Equal(circuits, await _server.Broadcaster.BroadcastToAllAsync());

        Assert.All(targets, t => Assert.Equal(1, t.Renders));
    }

    [Fact]
    public async Task ConcurrentBroadcastsToOneGroupReturnExactCountsAndEveryCircuitRendersAfterTheLastOneStarted()
    {
        const int circuits = 8;
        const int senders = 16;
        const int each = 500;
        var clock = new LogicalClock();
        var targets = Enumerable.Range(0, circuits).Select(_ => new StampingTarget(clock)).ToArray();
        for (var i = 0; i < circuits; i++)
        {
            _server.Registry.Register($"tab-{i}", new LiveIdentity("user:crowd", "crowd")).AddTarget(targets[i]);
        }

        var lastStart = new long[senders];
        var results = await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            var reached = new int[each];
            for (var i = 0; i < each; i++)
            {
                lastStart[s] = clock.Tick();
                reached[i] = await _server.Broadcaster.BroadcastToGroupAsync("user:crowd");
            }

            return reached;
        })));

        // Every broadcast counts every circuit: rendered for it, or coalesced into a render queued and not yet started.
        Assert.All(results.SelectMany(r => r), reached => Assert.Equal(circuits, reached));

        // Coalescing may merge renders, never drop the last: each circuit rendered after the last broadcast started.
        var lastBroadcastStarted = lastStart.Max();
        foreach (var target in targets)
        {
            Assert.InRange(target.Renders, 1, senders * each);
            Assert.True(target.LastRender > lastBroadcastStarted, $"a circuit last rendered at {target.LastRender}, before the last broadcast started at {lastBroadcastStarted}");
        }
    }

    private sealed class LogicalClock
    {
        private long _now;

        public long Tick() => Interlocked.Increment(ref _now);
    }

    /// <summary>Renders at once, stamping each render with the logical clock after it marked the render started.</summary>
    private sealed class StampingTarget(LogicalClock clock) : ILiveRenderTarget
    {
        private int _renders;
        private long _lastRender;

        public int Renders => Volatile.Read(ref _renders);

        public long LastRender => Volatile.Read(ref _lastRender);

        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        // No dispatcher of its own: the delivering thread renders it, as it would a callback.
        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            var stamp = clock.Tick();
            Interlocked.Increment(ref _renders);
            var seen = Volatile.Read(ref _lastRender);
            while (stamp > seen)
            {
                var previous = Interlocked.CompareExchange(ref _lastRender, stamp, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }

            return Task.CompletedTask;
        }
    }
}
