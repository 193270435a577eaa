using System.Diagnostics;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests.Faults;

/// <summary>
/// The Redis fault matrix (docs/security.md, "Redis fault matrix"): for each fault, no acknowledged update is lost,
/// presence converges within <see cref="Converge"/>, no background loop dies silently, and the health check says
/// Degraded or Unhealthy while the fault lasts and Healthy after.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RedisFaultMatrixTests(ITestOutputHelper output)
{
    /// <summary>How long presence may take to agree again once the fault is gone.</summary>
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(10);

    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task OutOfMemoryWhileACircuitOpensFailsUpdatesReportsDegradedAndRecoversWithoutALoopDying()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);

        // A minute of presence timeout: only a live writer (snapshot, farewell) can explain presence changing below.
        await using var cluster = await LiveCluster.StartRedisAsync(redis, nodes: 2, o => o.PresenceTimeout = TimeSpan.FromMinutes(1));
        var (one, two) = (cluster.First, cluster.Last);
        var group = NewGroup();
        one.Open(new LiveIdentity(group));
        await cluster.WaitForPresenceAsync(1);
        await one.States.MutateAsync<Counter>(group, c => c.Value = 1);

        await admin.RunOutOfMemoryAsync();
        one.Open(new LiveIdentity(group));

        // While it lasts: updates are refused with the documented exception, and the probe says so.
        await Assert.ThrowsAsync<LiveStateUnavailableException>(async () => await one.States.MutateAsync<Counter>(group, c => c.Value++));
        await Wait.UntilAsync(async () => (await one.HealthAsync()).Status != HealthStatus.Healthy, "the health check reports the failing presence writer", Converge);
        var during = await one.HealthAsync();
        output.WriteLine($"during: {during.Description}");
        Assert.Equal(HealthStatus.Degraded, during.Status);
        Assert.Contains("presence writer", (string)during.Data["failing"], StringComparison.Ordinal);

        await admin.RestoreMemoryAsync();

        await Wait.UntilAsync(() => two.Presence.CountGroup(group) == 2, "the other server sees the circuit opened during the fault", Converge);
        await Wait.UntilAsync(async () => (await one.HealthAsync()).Status == HealthStatus.Healthy, "the health check is Healthy again", Converge);

        // Updates never wait on a dead presence loop (it used to cost every update its 1 s flush timeout).
        var fastest = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await one.States.MutateAsync<Counter>(group, c => c.Value++);
            fastest = clock.Elapsed < fastest ? clock.Elapsed : fastest;
        }

        output.WriteLine($"after: the fastest of five updates took {fastest.TotalMilliseconds:0.0} ms");
        Assert.True(fastest < TimeSpan.FromMilliseconds(500), $"the fastest update took {fastest.TotalMilliseconds:0} ms");
        Assert.Equal(6, (await two.States.GetAsync<Counter>(group)).Value);
        Assert.Contains(one.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category.EndsWith("PresenceWriter", StringComparison.Ordinal));

        // Stopping neither throws nor skips the farewell.
        await one.StopAsync();
        await Wait.UntilAsync(() => two.Presence.CountGroup(group) == 0, "the farewell took the stopped server's circuits out", Converge);
    }

    [Fact]
    public async Task UnreadablePresenceEntriesAndMessagesOfAnotherVersionAreSkippedAndANodeStartsAndResyncsCleanly()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        var prefix = $"livestate:{app}:";
        var group = NewGroup();

        // A server of another version (or anyone with write access) left a presence hash this version cannot fully read.
        var skewed = prefix + "presence:skewed-server";
        await admin.Database.HashSetAsync(skewed,
        [
            new("#seq", "not-a-number"),
            new("c-good", $$"""{"v":1,"i":"c-good","g":"{{group}}","c":true,"o":1700000000000}"""),
            new("c-garbled", "{not json"),
            new("c-format", $$"""{"i":"c-format","g":"{{group}}","o":"yesterday"}"""),
            new("c-missing", $$"""{"g":"{{group}}"}"""),
            new("c-newer", $$"""{"v":2,"i":"c-newer","g":"{{group}}"}"""),
            new("c-blank-membership", $$"""{"i":"c-blank-membership","g":"{{group}}","m":[" "]}"""),
            new("c-far-future", $$"""{"i":"c-far-future","g":"{{group}}","o":9999999999999999}"""),
        ]);
        await admin.Database.KeyExpireAsync(skewed, TimeSpan.FromMinutes(1));
        await admin.Database.SetAddAsync(prefix + "servers", "skewed-server");

        // Servers start (their resync reads that hash) and see the one circuit they can read. (The skewed server never
        // beats: a minute of presence timeout keeps its readable circuit for the length of the test.)
        await using var cluster = await LiveCluster.StartRedisAsync(redis, nodes: 2, o => o.PresenceTimeout = TimeSpan.FromMinutes(1), application: app);
        var (one, two) = (cluster.First, cluster.Last);
        Assert.Equal(1, one.Presence.CountGroup(group));
        Assert.NotNull(one.Presence.Find("c-good"));

        // Messages of another version, garbled, or unknown kinds: skipped, and the channel goes on.
        var watcher = one.Open(new LiveIdentity(NewGroup()));
        await cluster.WaitForPresenceAsync(2);
        var channel = RedisChannel.Literal(prefix + "events");
        foreach (var message in new[]
        {
            "garbage",
            string.Empty,
            """{"s":"skewed-server","k":3,"v":2}""",
            """{"k":3}""",
            """{"s":"skewed-server","k":99}""",
            """{"s":"skewed-server","k":"All"}""",
            """{"s":"skewed-server","k":10,"q":1,"p":[{"i":"c-bad","g":" "}]}""",
            """{"s":"skewed-server","k":10,"q":"x"}""",
        })
        {
            await admin.Database.PublishAsync(channel, message);
        }

        // A real broadcast after them: once it arrives, every message before it has been handled (one ordered channel).
        await two.Broadcaster.BroadcastToCircuitAsync(watcher.Id);
        await Wait.UntilAsync(() => watcher.Renders == 1, "the broadcast sent after the unreadable messages arrived");
        await cluster.FenceAsync([watcher]);
        Assert.Equal(2, watcher.Renders);

        // Presence of the servers that can read each other is whole; the skewed server's readable circuit stays.
        Assert.All(cluster.Nodes, n => Assert.Equal(1, n.Presence.CountGroup(group)));

        // Logged, rate-limited (one line per kind of problem per interval), and nothing is reported failing.
        Assert.InRange(one.Logs.Entries.Count(e => e.EventId == 112), 1, 2);
        Assert.InRange(one.Logs.Entries.Count(e => e.EventId == 136), 1, 2);
        Assert.Equal(HealthStatus.Healthy, (await one.HealthAsync()).Status);
    }

    [Fact]
    public async Task ASlotOfAnotherVersionThatFailsToReadDuringARefreshDoesNotSkipTheGroupsReRender()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis, nodes: 2, application: app);
        var (one, two) = (cluster.First, cluster.Last);
        var group = NewGroup();
        var circuit = one.Open(new LiveIdentity(group), onRender: rendering =>
        {
            // A page showing both slots.
            _ = one.States.Get<Counter>(group);
            _ = one.States.Get<TodoList>(group);
        });
        await cluster.WaitForPresenceAsync(1);
        await two.States.MutateAsync<Counter>(group, c => c.Value = 1);
        await two.States.MutateAsync<TodoList>(group, l => l.Title = "groceries");
        await Wait.UntilAsync(() => one.States.Get<Counter>(group).Value == 1 && one.States.Get<TodoList>(group).Title == "groceries", "server 1 shows both slots");

        // Another version of the app stores the list in a shape this one cannot read.
        await admin.Database.HashSetAsync($"livestate:{app}:group:{group}", "d:test.todos", """{"Items":"not a list"}""");
        var renders = circuit.Renders;
        await two.States.MutateAsync<Counter>(group, c => c.Value = 2);

        await Wait.UntilAsync(() => circuit.Renders > renders && one.States.Get<Counter>(group).Value == 2, "the group re-rendered with the new counter");
        Assert.Equal("groceries", one.States.Get<TodoList>(group).Title);
        Assert.Contains(one.Logs.Entries, e => e.EventId == 142 && e.Level == LogLevel.Warning);
        Assert.Equal(HealthStatus.Healthy, (await one.HealthAsync()).Status);
    }

    [Fact]
    public async Task AClientPausePastTheTimeoutsRefusesUpdatesReportsUnhealthyAndLosesNoAcknowledgedUpdate()
    {
        // Timeouts of the Redis client; the pause outlasts them and the health check's PING timeout.
        const int TimeoutMs = 300;
        var pause = LiveNode.HealthTimeout + TimeSpan.FromMilliseconds(4 * TimeoutMs);
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        await using var cluster = await LiveCluster.StartRedisAsync($"{redis.EndPoint},syncTimeout={TimeoutMs},asyncTimeout={TimeoutMs}", nodes: 2);
        var (one, two) = (cluster.First, cluster.Last);
        var group = NewGroup();
        one.Open(new LiveIdentity(group));
        await cluster.WaitForPresenceAsync(1);

        var acknowledged = 0;
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var writers = cluster.Nodes.Select(node => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await node.States.MutateAsync<Counter>(group, c => c.Value++);
                    Interlocked.Increment(ref acknowledged);
                }
                catch (LiveStateUnavailableException)
                {
                    // Not acknowledged: it may or may not have landed. Pace the retries while Redis is away.
                    Interlocked.Increment(ref refused);
                    await Task.Delay(5);
                }
            }
        })).ToArray();
        await Wait.UntilAsync(() => Volatile.Read(ref acknowledged) >= 100, "updates flow");

        var paused = Stopwatch.StartNew();
        await admin.ExecuteAsync("CLIENT", "PAUSE", ((long)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");
        var during = await one.HealthAsync();
        two.Open(new LiveIdentity(group));
        await Wait.UntilAsync(() => Volatile.Read(ref refused) > 0, "updates time out and are refused");
        output.WriteLine($"during ({paused.ElapsedMilliseconds} ms into the pause): {during.Status}: {during.Description}");
        Assert.Equal(HealthStatus.Unhealthy, during.Status);

        // Past the pause: updates flow again, presence converges, every job works, and the count holds every acknowledged update.
        var acknowledgedBefore = Volatile.Read(ref acknowledged);
        await Wait.UntilAsync(() => Volatile.Read(ref acknowledged) > acknowledgedBefore + 100, "updates flow again", pause + Converge);
        await Wait.UntilAsync(() => one.Presence.CountGroup(group) == 2 && two.Presence.CountGroup(group) == 2, "presence converges", Converge);
        foreach (var node in cluster.Nodes)
        {
            await Wait.UntilAsync(async () => (await node.HealthAsync()).Status == HealthStatus.Healthy, $"{node} reports Healthy", Converge);
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        var final = (await two.States.GetAsync<Counter>(group)).Value;
        output.WriteLine($"{acknowledged} acknowledged, {refused} refused, {final} stored");
        Assert.True(final >= acknowledged, $"no acknowledged update was lost: {final} stored, {acknowledged} acknowledged");
        Assert.True(final <= acknowledged + refused, $"nothing was applied twice: {final} stored, {acknowledged} acknowledged, {refused} refused");
    }
}
