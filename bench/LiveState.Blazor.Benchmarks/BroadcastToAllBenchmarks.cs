using BenchmarkDotNet.Attributes;
using LiveState.Blazor.Benchmarks.Infrastructure;

namespace LiveState.Blazor.Benchmarks;

/// <summary>A broadcast to every one of N tabs. Target: LiveState within 1.5x of baseline 1 per tab.</summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class BroadcastToAllBenchmarks
{
    private World _world = default!;

    /// <summary>Tabs (circuits) registered.</summary>
    [Params(100, 10_000, 100_000)]
    public int N { get; set; }

    /// <summary>Builds the world and checks each benchmark reaches every tab once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _world = World.Create(N);
        var everyone = Enumerable.Range(0, N).ToArray();
        Check.ReachesExactly(_world.SingleEventComponents, everyone, () => { _world.Notifier.NotifyAll(); return N; });
        Check.ReachesExactly(_world.PerUserComponents, everyone, _world.PerUser.NotifyAll);
        Check.ReachesExactly(_world.LiveComponents, everyone, () => _world.Broadcaster.BroadcastToAllAsync().AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Releases the world.</summary>
    [GlobalCleanup]
    public void Cleanup() => _world.Dispose();

    /// <summary>Baseline 1: the single event, every subscriber concerned.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToAll")]
    public Task Baseline1_All() => Batch.Run(_world.Notifier.NotifyAll);

    /// <summary>Baseline 2: every hand-kept list.</summary>
    [Benchmark(OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToAll")]
    public Task Baseline2_All() => Batch.Run(() => _world.PerUser.NotifyAll());

    /// <summary>LiveState: <c>BroadcastToAllAsync</c>.</summary>
    [Benchmark(OperationsPerInvoke = Batch.Size)]
    [BenchmarkCategory("ToAll")]
    public Task LiveState_ToAll() => Batch.Run(() => _world.Broadcaster.BroadcastToAllAsync());
}
