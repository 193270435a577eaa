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

        // A server of another version (or anyone with write access) left presence this version cannot fully read: in the
        // group's presence hash, and a lease (a minute long, in Redis time) that keeps its readable circuit counted.
        var skewed = $"{prefix}pg:{{{group}}}";
        await admin.Database.HashSetAsync(skewed,
        [
            new("#s:skewed-server", "not-a-number"),
            new("c-good", $$"""{"v":2,"s":"skewed-server","i":"c-good","g":"{{group}}","c":true,"o":1700000000000}"""),
            new("c-garbled", "{not json"),
            new("c-format", $$"""{"v":2,"s":"skewed-server","i":"c-format","g":"{{group}}","o":"yesterday"}"""),
            new("c-missing", $$"""{"v":2,"s":"skewed-server","g":"{{group}}"}"""),
            new("c-newer", $$"""{"v":3,"s":"skewed-server","i":"c-newer","g":"{{group}}"}"""),
            new("c-older", $$"""{"v":1,"i":"c-older","g":"{{group}}","c":true}"""),
            new("c-no-server", $$"""{"v":2,"i":"c-no-server","g":"{{group}}"}"""),
            new("c-blank-membership", $$"""{"v":2,"s":"skewed-server","i":"c-blank-membership","g":"{{group}}","m":[" "]}"""),
            new("c-far-future", $$"""{"v":2,"s":"skewed-server","i":"c-far-future","g":"{{group}}","o":9999999999999999}"""),
        ]);
        await admin.Database.KeyExpireAsync(skewed, TimeSpan.FromMinutes(1));
        var time = (RedisResult[])(await admin.ExecuteAsync("TIME"))!;
        var now = (long)time[0] * 1000 + ((long)time[1] / 1000);
        await admin.Database.HashSetAsync(prefix + "alive", "skewed-server", $"{now + 60_000}:1");

        // Servers start beside it, and the first hosts the group (a circuit of it watches the group): it reads that hash
        // and sees the one circuit it can read. (The skewed server never renews its lease: a minute keeps it counted.)
        await using var cluster = await LiveCluster.StartRedisAsync(redis, nodes: 2, o => o.PresenceTimeout = TimeSpan.FromMinutes(1), application: app);
        var (one, two) = (cluster.First, cluster.Last);
        var watcher = one.Open(new LiveIdentity(NewGroup()));
        watcher.Entry.Watch(group);
        await Wait.UntilAsync(() => one.Presence.CountGroup(group) == 1, "the server hosting the group counts the readable circuit");
        Assert.NotNull(one.Presence.Find("c-good"));
        await Wait.UntilAsync(() => two.Presence.CountGroup(group) == 1, "a server not hosting it reads it too");

        // Messages of another version, garbled, or of unknown kinds, on the channel to every server and on the group's:
        // skipped, and each channel goes on.
        var all = RedisChannel.Sharded(prefix + "events");
        var groupChannel = RedisChannel.Sharded($"{prefix}g:{{{group}}}");
        foreach (var message in new[]
        {
            "garbage",
            string.Empty,
            """{"v":3,"s":"skewed-server","k":3}""",
            """{"v":2,"k":3}""",
            """{"v":2,"s":"skewed-server","k":99}""",
            """{"v":2,"s":"skewed-server","k":"All"}""",
            """{"s":"old-server","k":3}""",
        })
        {
            await admin.Database.PublishAsync(all, message);
        }

        foreach (var message in new[]
        {
            $$"""{"v":2,"s":"skewed-server","k":20,"tk":"g","ti":"{{group}}","q":1,"e":[{"i":"c-bad","g":" "}]}""",
            $$"""{"v":2,"s":"skewed-server","k":20,"tk":"g","ti":"{{group}}","q":"x"}""",
            $$"""{"v":2,"s":"skewed-server","k":5,"g":"{{group}}","n":"test.counter","r":"x"}""",
            "{",
        })
        {
            await admin.Database.PublishAsync(groupChannel, message);
        }

        // Real messages after them on each channel: once they arrive, every message before them has been handled (one
        // ordered queue per channel).
        var renders = watcher.Renders;
        await two.Broadcaster.BroadcastToAllAsync();
        await Wait.UntilAsync(() => watcher.Renders > renders, "the broadcast to all sent after the unreadable messages arrived");
        renders = watcher.Renders;
        await two.States.MutateAsync<Counter>(group, c => c.Value = 1);
        await Wait.UntilAsync(() => watcher.Renders > renders && one.States.Get<Counter>(group).Value == 1, "the group's change sent after them arrived");

        // Presence of the servers that can read each other is whole; the skewed server's readable circuit stays.
        Assert.Equal(1, one.Presence.CountGroup(group));
        Assert.NotNull(one.Presence.Find("c-good"));

        // Logged, rate-limited (one line per kind of problem per interval), and nothing is reported failing.
        Assert.InRange(one.Logs.Entries.Count(e => e.EventId == 112), 1, 2);
        Assert.InRange(one.Logs.Entries.Count(e => e.EventId == 136), 1, 2);
        Assert.Equal(HealthStatus.Healthy, (await one.HealthAsync()).Status);
    }

    [Fact]
    public async Task ASlotOfAnotherVersionThatFailsToReadDoesNotStopTheGroupsOtherSlots()
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
        await admin.Database.HashSetAsync($"livestate:{app}:group:{group}", [new("d:test.todos", """{"Items":"not a list"}"""), new("v:test.todos", 99)]);
        var renders = circuit.Renders;
        await two.States.MutateAsync<Counter>(group, c => c.Value = 2);

        // The group's other slot re-renders with its new value; the list, not changed here, stays as it was.
        await Wait.UntilAsync(() => circuit.Renders > renders && one.States.Get<Counter>(group).Value == 2, "the group re-rendered with the new counter");
        Assert.Equal("groceries", one.States.Get<TodoList>(group).Title);

        // The other version announces its list (too large to travel, say): this server reads it, cannot, and logs it; the
        // group's other slot goes on updating.
        await admin.Database.PublishAsync(RedisChannel.Sharded($"livestate:{app}:g:{{{group}}}"), $$"""{"v":2,"s":"other-version","k":5,"g":"{{group}}","n":"test.todos","r":99}""");
        await Wait.UntilAsync(() => one.Logs.Entries.Any(e => e.EventId == 142 && e.Level == LogLevel.Warning), "the unreadable slot is logged");
        await two.States.MutateAsync<Counter>(group, c => c.Value = 3);
        await Wait.UntilAsync(() => one.States.Get<Counter>(group).Value == 3, "the counter still updates");
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
