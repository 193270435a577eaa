using BenchmarkDotNet.Attributes;
using LiveState.Blazor.Benchmarks.Infrastructure;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// A broadcast that reaches 3 tabs among N open ones: alice's 3 tabs (by group, or by user), or one tab each
/// of bob, carol and dave (by user). Targets: flat in N, and at N = 100,000 at least 100x cheaper than baseline 1.
/// </summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class TargetedBroadcastBenchmarks
{
    private World _world = default!;

    /// <summary>Tabs (circuits) registered.</summary>
    [Params(100, 10_000, 100_000)]
    public int N { get; set; }

    /// <summary>Builds the world and checks each benchmark reaches exactly its 3 tabs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _world = World.Create(N);
        var notifier = _world.Notifier;
        var perUser = _world.PerUser;
        var broadcaster = _world.Broadcaster;
        Check.ReachesExactly(_world.SingleEventComponents, [0, 1, 2], () => { notifier.NotifyGroup(World.AliceGroup); return 3; });
        Check.ReachesExactly(_world.PerUserComponents, [0, 1, 2], () => perUser.NotifyUser(World.Alice));
        Check.ReachesExactly(_world.LiveComponents, [0, 1, 2], () => broadcaster.BroadcastToGroupAsync(World.AliceGroup).AsTask().GetAwaiter().GetResult());
        Check.ReachesExactly(_world.SingleEventComponents, [3, 4, 5], () => { notifier.NotifyUsers(World.ThreeUsers); return 3; });
        Check.ReachesExactly(_world.PerUserComponents, [3, 4, 5], () => World.ThreeUsers.Sum(perUser.NotifyUser));
        Check.ReachesExactly(_world.LiveComponents, [3, 4, 5], () => broadcaster.BroadcastToUsersAsync(World.ThreeUsers).AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Releases the world.</summary>
    [GlobalCleanup]
    public void Cleanup() => _world.Dispose();

    /// <summary>Baseline 1: every one of N subscribers checks the group.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToGroup")]
    public Task Baseline1_Group() => Batch.Run(() => _world.Notifier.NotifyGroup(World.AliceGroup));

    /// <summary>Baseline 2: the hand-kept list of alice's components.</summary>
    [Benchmark(OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToGroup")]
    public Task Baseline2_Group() => Batch.Run(() => _world.PerUser.NotifyUser(World.Alice));

    /// <summary>LiveState: <c>BroadcastToGroupAsync</c>.</summary>
    [Benchmark(OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToGroup")]
    public Task LiveState_ToGroup() => Batch.Run(() => _world.Broadcaster.BroadcastToGroupAsync(World.AliceGroup));

    /// <summary>Baseline 1: every one of N subscribers checks the user list.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToUsers")]
    public Task Baseline1_Users() => Batch.Run(() => _world.Notifier.NotifyUsers(World.ThreeUsers));

    /// <summary>Baseline 2: three hand-kept lists.</summary>
    [Benchmark(OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToUsers")]
    public Task Baseline2_Users() => Batch.Run(() =>
    {
        foreach (var user in World.ThreeUsers)
        {
            _world.PerUser.NotifyUser(user);
        }
    });

    /// <summary>LiveState: <c>BroadcastToUsersAsync</c>.</summary>
    [Benchmark(OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToUsers")]
    public Task LiveState_ToUsers() => Batch.Run(() => _world.Broadcaster.BroadcastToUsersAsync(World.ThreeUsers));
}
