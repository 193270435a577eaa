using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;

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
    public async Task AFilterThatThrowsHalfwayLeavesNoCircuitDeafToLaterBroadcasts()
    {
        var first = Register("first", new LiveIdentity("user:a", "a"));
        Register("second", new LiveIdentity("user:b", "b"));

        // The filter accepts the first circuit (claiming its render), then throws on the second.
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _server.Broadcaster.BroadcastAsync(c => c.UserId == "a" ? true : throw new InvalidOperationException("filter broke")));

        await Wait.UntilAsync(() => first.Renders == 1, "the render claimed before the filter threw was delivered");
        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:a"));
        Assert.Equal(2, first.Renders);
    }

    [Fact]
    public async Task AUserListWithANullIdLeavesNoCircuitDeaf()
    {
        var alice = Register("alice", new LiveIdentity("user:alice", "alice"));

        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(["alice", null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(Users("alice", null!)));

        // The list is checked before anything is claimed; the enumeration had claimed alice's render, which is still delivered.
        await Wait.UntilAsync(() => alice.Renders == 1, "the render claimed before the null id was delivered");
        Assert.Equal(1, await _server.Broadcaster.BroadcastToUsersAsync(["alice"]));
        Assert.Equal(2, alice.Renders);

        static IEnumerable<string> Users(params string[] ids)
        {
            foreach (var id in ids)
            {
                yield return id;
            }
        }
    }

    [Fact]
    public async Task ARenderThatBlocksItsThreadDoesNotHoldUpTheOtherCircuitsOfTheBroadcast()
    {
        using var gate = new ManualResetEventSlim();
        var blocker = new BlockingTarget(gate);
        try
        {
            // First in the group, so the first thread to take a circuit takes the blocking one.
            _server.Registry.Register("blocks", new LiveIdentity("user:g", "g")).AddTarget(blocker);
            var others = Enumerable.Range(0, 5).Select(i => Register($"other-{i}", new LiveIdentity("user:g", "g"))).ToArray();

            // Started on the pool: the caller's own thread may be the one the blocking render holds.
            var broadcast = Task.Run(() => _server.Broadcaster.BroadcastToGroupAsync("user:g").AsTask());
            await blocker.Blocked.Task.WaitAsync(Wait.Deadline);

            await Wait.UntilAsync(() => others.All(o => o.Renders == 1), "the other five circuits rendered while one render blocks");
            Assert.False(gate.IsSet);
            Assert.False(broadcast.IsCompleted);

            gate.Set();
            Assert.Equal(6, await broadcast.WaitAsync(Wait.Deadline));
        }
        finally
        {
            gate.Set();
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
