using BenchmarkDotNet.Attributes;
using LiveState.Blazor.Benchmarks.Infrastructure;

namespace LiveState.Blazor.Benchmarks;

/// <summary>A small state slot of one session group.</summary>
[SessionGroupSlot("bench.counter")]
public sealed record CounterState(int Value)
{
    /// <summary>The empty counter.</summary>
    public CounterState()
        : this(0)
    {
    }
}

/// <summary>The same slot as a mutable class, copied through System.Text.Json on every update.</summary>
[SessionGroupSlot("bench.mutable-counter")]
public sealed class MutableCounterState
{
    /// <summary>The count.</summary>
    public int Value { get; set; }
}

/// <summary>
/// <c>UpdateAsync</c> on one group, small slot, in memory: each update applies atomically, then re-renders the
/// group's tabs (3 of alice's, or none). Target: at least 200,000 updates/s. Reported per update.
/// </summary>
[Config(typeof(BenchConfig))]
[MemoryDiagnoser]
public class UpdateThroughputBenchmarks
{
    private const int Updates = 1_000;
    private const int Callers = 4;
    private World _world = default!;
    private string _group = default!;

    /// <summary>Open tabs of the updated group.</summary>
    [Params(3, 0)]
    public int Tabs { get; set; }

    /// <summary>Builds a small world (6 tabs; alice has 3).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _world = World.Create(6);
        _group = Tabs == 3 ? World.AliceGroup : LiveIdentity.UserGroup("nobody");
    }

    /// <summary>Releases the world.</summary>
    [GlobalCleanup]
    public void Cleanup() => _world.Dispose();

    /// <summary>An immutable record, one caller awaiting each update in turn.</summary>
    [Benchmark(OperationsPerInvoke = Updates)]
    [BenchmarkCategory("Update")]
    public async Task Record()
    {
        for (var i = 0; i < Updates; i++)
        {
            await _world.State.ReplaceAsync<CounterState>(_group, static c => c with { Value = c.Value + 1 });
        }
    }

    /// <summary>An immutable record, four callers at once (as four tabs clicking).</summary>
    [Benchmark(OperationsPerInvoke = Updates)]
    [BenchmarkCategory("Update")]
    public Task Record_FourCallers()
    {
        var callers = new Task[Callers];
        for (var c = 0; c < Callers; c++)
        {
            callers[c] = Task.Run(async () =>
            {
                for (var i = 0; i < Updates / Callers; i++)
                {
                    await _world.State.ReplaceAsync<CounterState>(_group, static c => c with { Value = c.Value + 1 });
                }
            });
        }

        return Task.WhenAll(callers);
    }

    /// <summary>A mutable class (copy-on-write through System.Text.Json), one caller.</summary>
    [Benchmark(OperationsPerInvoke = Updates)]
    [BenchmarkCategory("Update")]
    public async Task Mutable()
    {
        for (var i = 0; i < Updates; i++)
        {
            await _world.State.MutateAsync<MutableCounterState>(_group, static c => c.Value++);
        }
    }
}
