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
        Check.ReachesExactly(_world.SingleEventComponents, everyone, () => Baseline1_All());
        Check.ReachesExactly(_world.PerUserComponents, everyone, () => Baseline2_All());
        Check.ReachesExactly(_world.LiveComponents, everyone, () => LiveState_ToAll().AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Releases the world.</summary>
    [GlobalCleanup]
    public void Cleanup() => _world.Dispose();

    /// <summary>Baseline 1: the single event, every subscriber concerned.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ToAll")]
    public int Baseline1_All()
    {
        _world.Notifier.NotifyAll();
        return N;
    }

    /// <summary>Baseline 2: every hand-kept list.</summary>
    [Benchmark]
    [BenchmarkCategory("ToAll")]
    public int Baseline2_All() => _world.PerUser.NotifyAll();

    /// <summary>LiveState: <c>BroadcastToAllAsync</c>.</summary>
    [Benchmark]
    [BenchmarkCategory("ToAll")]
    public ValueTask<int> LiveState_ToAll() => _world.Broadcaster.BroadcastToAllAsync();
}
