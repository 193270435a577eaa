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
        Check.ReachesExactly(_world.SingleEventComponents, [0, 1, 2], () => Baseline1_Group());
        Check.ReachesExactly(_world.PerUserComponents, [0, 1, 2], () => Baseline2_Group());
        Check.ReachesExactly(_world.LiveComponents, [0, 1, 2], () => LiveState_ToGroup().AsTask().GetAwaiter().GetResult());
        Check.ReachesExactly(_world.SingleEventComponents, [3, 4, 5], () => Baseline1_Users());
        Check.ReachesExactly(_world.PerUserComponents, [3, 4, 5], () => Baseline2_Users());
        Check.ReachesExactly(_world.LiveComponents, [3, 4, 5], () => LiveState_ToUsers().AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Releases the world.</summary>
    [GlobalCleanup]
    public void Cleanup() => _world.Dispose();

    /// <summary>Baseline 1: every one of N subscribers checks the group.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ToGroup")]
    public int Baseline1_Group()
    {
        _world.Notifier.NotifyGroup(World.AliceGroup);
        return 3;
    }

    /// <summary>Baseline 2: the hand-kept list of alice's components.</summary>
    [Benchmark]
    [BenchmarkCategory("ToGroup")]
    public int Baseline2_Group() => _world.PerUser.NotifyUser(World.Alice);

    /// <summary>LiveState: <c>BroadcastToGroupAsync</c>.</summary>
    [Benchmark]
    [BenchmarkCategory("ToGroup")]
    public ValueTask<int> LiveState_ToGroup() => _world.Broadcaster.BroadcastToGroupAsync(World.AliceGroup);

    /// <summary>Baseline 1: every one of N subscribers checks the user list.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ToUsers")]
    public int Baseline1_Users()
    {
        _world.Notifier.NotifyUsers(World.ThreeUsers);
        return 3;
    }

    /// <summary>Baseline 2: three hand-kept lists.</summary>
    [Benchmark]
    [BenchmarkCategory("ToUsers")]
    public int Baseline2_Users()
    {
        var reached = 0;
        foreach (var user in World.ThreeUsers)
        {
            reached += _world.PerUser.NotifyUser(user);
        }

        return reached;
    }

    /// <summary>LiveState: <c>BroadcastToUsersAsync</c>.</summary>
    [Benchmark]
    [BenchmarkCategory("ToUsers")]
    public ValueTask<int> LiveState_ToUsers() => _world.Broadcaster.BroadcastToUsersAsync(World.ThreeUsers);
}
