using LiveState.Blazor.Tests.Shared;
using BenchmarkDotNet.Attributes;
using LiveState.Blazor.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// <c>UpdateAsync</c> as <see cref="UpdateThroughputBenchmarks"/> measures it, beside the same updates on the Redis
/// store (<c>AddRedis</c>, against a private redis-server on loopback that the set-up starts): one group, small
/// slot, 3 tabs re-rendered per update or none. Reported per update; the Ratio column is Redis against memory.
/// </summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class RedisStoreBenchmarks
{
    private const int Updates = 200;
    private const int Callers = 4;
    private RedisServer? _redis;
    private World _memory = default!;
    private World _onRedis = default!;
    private string _group = default!;

    /// <summary>Open tabs of the updated group.</summary>
    [Params(3, 0)]
    public int Tabs { get; set; }

    /// <summary>Starts redis-server and builds one small world on each store (6 tabs; alice has 3).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _redis = RedisServer.StartInMemoryAsync().GetAwaiter().GetResult();
        _memory = World.Create(6);
        var endPoint = _redis.EndPoint;
        _onRedis = World.Create(6, liveState => liveState.AddRedis(endPoint, options => options.ApplicationName = "livestate-bench"));
        _onRedis.StartHostedServicesAsync().GetAwaiter().GetResult();
        _group = Tabs == 3 ? World.AliceGroup : LiveIdentity.UserGroup("nobody");

        // The first update connects; it is not measured.
        _onRedis.State.ReplaceAsync<CounterState>(_group, static c => c with { Value = c.Value + 1 }).GetAwaiter().GetResult();
    }

    /// <summary>Releases both worlds and stops redis-server.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            _onRedis.Dispose();
            _memory.Dispose();
        }
        finally
        {
            _redis?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>In memory: an immutable record, one caller awaiting each update in turn.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Updates)]
    [BenchmarkCategory("OneCaller")]
    public Task Memory_Record() => OneCaller(_memory);

    /// <summary>On Redis: the same.</summary>
    [Benchmark(OperationsPerInvoke = Updates)]
    [BenchmarkCategory("OneCaller")]
    public Task Redis_Record() => OneCaller(_onRedis);

    /// <summary>In memory: four callers at once (as four tabs clicking).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Updates)]
    [BenchmarkCategory("FourCallers")]
    public Task Memory_Record_FourCallers() => FourCallers(_memory);

    /// <summary>On Redis: four callers at once, competing for the same slot (compare-and-set retries).</summary>
    [Benchmark(OperationsPerInvoke = Updates)]
    [BenchmarkCategory("FourCallers")]
    public Task Redis_Record_FourCallers() => FourCallers(_onRedis);

    private async Task OneCaller(World world)
    {
        for (var i = 0; i < Updates; i++)
        {
            await world.State.ReplaceAsync<CounterState>(_group, static c => c with { Value = c.Value + 1 });
        }
    }

    private Task FourCallers(World world)
    {
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                for (var i = 0; i < Updates / Callers; i++)
                {
                    await world.State.ReplaceAsync<CounterState>(_group, static c => c with { Value = c.Value + 1 });
                }
            });
        }

        return Task.WhenAll(callers);
    }
}
