using System.Diagnostics;
using LiveState.Blazor.Backends;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// Measures what the Redis path costs against the in-memory one, in the same run, on the same machine, and prints
/// it (docs/scaling.md quotes it). Nothing here asserts a time: only that the work was done.
/// </summary>
/// <remarks>
/// Run: <c>dotnet test tests/Redis -c Release --filter "FullyQualifiedName~RedisCostTests" --logger "console;verbosity=detailed"</c>.
/// </remarks>
[Collection("redis")]
public sealed class RedisCostTests(RedisFixture redis, ITestOutputHelper output)
{
    private const int Sequential = 1_000;
    private const int Broadcasts = 200;
    private const int ConcurrentWriters = 16;
    private const int ConcurrentUpdates = 3_200;

    [Fact]
    public async Task MeasureTheRedisPathAgainstInMemory()
    {
        await using var memory = await LiveCluster.StartInMemoryAsync();
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var rows = new List<string>
        {
            $"{"operation",-50} {"in-memory",16} {"redis",16}",
        };

        rows.Add(Row("UpdateAsync, group not rendered here (p50/p99 µs)", await LatencyAsync(memory.First, UpdateOnce), await LatencyAsync(cluster.First, UpdateOnce)));
        rows.Add(Row("UpdateAsync, group rendered here (p50/p99 µs)", await LatencyAsync(memory.First, UpdateOnce, rendered: true), await LatencyAsync(cluster.First, UpdateOnce, rendered: true)));
        rows.Add(Row("GetAsync, read from the store (p50/p99 µs)", await LatencyAsync(memory.First, ReadOnce), await LatencyAsync(cluster.First, ReadOnce)));
        rows.Add(Row("group broadcast to a render (p50/p99 µs)", await BroadcastLatencyAsync(memory.First, memory.First), await BroadcastLatencyAsync(cluster.First, cluster.Last)));
        var (memoryRate, redisRate) = (await ThroughputAsync(memory), await ThroughputAsync(cluster));
        rows.Add($"{$"UpdateAsync, {ConcurrentWriters} writers on one group (updates/s)",-50} {memoryRate,16:N0} {redisRate,16:N0}");

        output.WriteLine($"LiveState cost of the Redis path ({Environment.ProcessorCount} cores, redis-server on loopback, two servers in one process)");
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }
    }

    private static ValueTask UpdateOnce(LiveNode node, string group) => Discard(new ValueTask<Counter>(node.States.MutateAsync<Counter>(group, c => c.Value++)));

    private static ValueTask ReadOnce(LiveNode node, string group) => Discard(node.States.GetAsync<Counter>(group));

    private static async ValueTask Discard<T>(ValueTask<T> task) => await task;

    private static async Task<(double P50, double P99)> LatencyAsync(LiveNode node, Func<LiveNode, string, ValueTask> operation, bool rendered = false)
    {
        var group = "cost-" + Guid.NewGuid().ToString("N")[..8];
        FakeCircuit? circuit = null;
        if (rendered)
        {
            // A circuit of the group renders here, so its state is in the render cache (on Redis, kept current).
            circuit = node.Open(new LiveIdentity(group));
            await node.States.MutateAsync<Counter>(group, c => c.Value = 1);
            await Wait.UntilAsync(() => node.States.Get<Counter>(group).Value == 1, "the render cache holds the group");
        }

        for (var i = 0; i < Sequential / 5; i++)
        {
            await operation(node, group);
        }

        var samples = new double[Sequential];
        for (var i = 0; i < Sequential; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation(node, group);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        circuit?.Close();
        return Percentiles(samples);
    }

    private static async Task<(double P50, double P99)> BroadcastLatencyAsync(LiveNode sender, LiveNode receiver)
    {
        var group = "cost-" + Guid.NewGuid().ToString("N")[..8];
        TaskCompletionSource? rendered = null;
        var circuit = receiver.Open(new LiveIdentity(group), onRender: _ => Volatile.Read(ref rendered)?.TrySetResult());
        if (receiver.IsRedis)
        {
            // The receiver listens to the group's channel once it has subscribed: a broadcast sent before reaches none of its circuits.
            var topic = LiveTopic.Group(group);
            await Wait.UntilAsync(() => receiver.Services.GetRequiredService<Subscriptions>().Topics().Any(s => s.Key.Topic == topic), "the receiver listens to the group");
        }

        var samples = new double[Broadcasts];
        for (var i = -Broadcasts / 5; i < Broadcasts; i++)
        {
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref rendered, signal);
            var started = Stopwatch.GetTimestamp();
            await sender.Broadcaster.BroadcastToGroupAsync(group);
            await signal.Task.WaitAsync(TimeSpan.FromSeconds(10));
            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        circuit.Close();
        return Percentiles(samples);
    }

    private static async Task<double> ThroughputAsync(LiveCluster cluster)
    {
        var group = "cost-" + Guid.NewGuid().ToString("N")[..8];
        var started = Stopwatch.GetTimestamp();
        var tasks = new Task[ConcurrentWriters];
        for (var t = 0; t < ConcurrentWriters; t++)
        {
            var node = cluster.NodeFor(t);
            tasks[t] = Task.Run(async () =>
            {
                for (var i = 0; i < ConcurrentUpdates / ConcurrentWriters; i++)
                {
                    await node.States.MutateAsync<Counter>(group, c => c.Value++);
                }
            });
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Assert.Equal(ConcurrentUpdates, (await cluster.First.States.GetAsync<Counter>(group)).Value);
        return ConcurrentUpdates / elapsed.TotalSeconds;
    }

    private static (double P50, double P99) Percentiles(double[] samples)
    {
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[(int)(samples.Length * 0.99)]);
    }

    private static string Row(string name, (double P50, double P99) memory, (double P50, double P99) redis) =>
        $"{name,-50} {$"{memory.P50:N0} / {memory.P99:N0}",16} {$"{redis.P50:N0} / {redis.P99:N0}",16}";
}
