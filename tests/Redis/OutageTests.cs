using LiveState.Blazor.Tests.Shared;
using System.Diagnostics;
using System.Security.Cryptography;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Tests.Faults;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// Redis going away and coming back: each test runs a redis-server of its own, which it kills or starts late. In the
/// fault collection (one class at a time, beside no other test), and its time bounds follow the configured timeouts.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class OutageTests(ITestOutputHelper output)
{
    // What a node here is configured with: the connect timeout below, the heartbeat (LiveNode: 200 ms) that retries a
    // subscription, and the longest wait between reconnect attempts (RedisConnection: ExponentialRetry up to 2 s).
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(2);

    /// <summary>
    /// After Redis is back, broadcasts reach the other server within one reconnect backoff, one connect and one
    /// heartbeat, for each of the two servers' connections (interactive and subscription), doubled for a busy machine.
    /// </summary>
    private static readonly TimeSpan ResumeBound = 2 * 2 * (MaxReconnectBackoff + ConnectTimeout + Heartbeat);

    // Event ids of the Redis backend's log messages (Internal/Log.cs).
    private const int NotConnectedYet = 101;
    private const int ConnectionFailed = 103;
    private const int ConnectionRestored = 104;
    private const int PublishFailed = 120;

    [Fact]
    public async Task KillNineMidRunLosesNoAcknowledgedUpdateAndBroadcastsResumeWithinTheReconnectBound()
    {
        // appendfsync always: Redis answers a write only once it is on disk, so an acknowledged update survives a kill -9.
        await using var redis = await RedisServer.StartAsync(fsync: "always");
        await using var cluster = await LiveCluster.StartRedisAsync(redis.EndPoint + ",connectTimeout=" + (int)ConnectTimeout.TotalMilliseconds, nodes: 2, o => o.PresenceHeartbeatInterval = Heartbeat);
        var (one, two) = (cluster.First, cluster.Last);
        const string Counted = "counted";
        const string Cached = "cached";
        const string Listening = "listening";

        // A group rendered on server 1 (its state in the render cache), and a circuit on server 2 that broadcasts must reach.
        await one.States.MutateAsync<Counter>(Cached, c => c.Value = 7);
        one.Open(new LiveIdentity(Cached));
        await Wait.UntilAsync(() => one.States.Get<Counter>(Cached).Value == 7, "server 1 rendered the cached group");
        var cookies = one.Services.GetRequiredService<BrowserIdCookie>();
        var browserId = BrowserIdCookie.NewId();
        var cookie = cookies.Seal(browserId);
        var listener = two.Open(new LiveIdentity(Listening));
        await cluster.WaitForPresenceAsync(2);

        var acknowledged = 0;
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var writers = cluster.Nodes.SelectMany(node => Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await node.States.MutateAsync<Counter>(Counted, c => c.Value++);
                    Interlocked.Increment(ref acknowledged);
                }
                catch (LiveStateUnavailableException)
                {
                    // Not acknowledged: it may or may not have landed. Pace the retries while Redis is away.
                    Interlocked.Increment(ref refused);
                    await Task.Delay(5);
                }
            }
        }))).ToArray();

        await Wait.UntilAsync(() => Volatile.Read(ref acknowledged) >= 300, "updates flow");
        redis.Kill();
        var acknowledgedAtKill = Volatile.Read(ref acknowledged);

        // While Redis is away: updates fail fast with the documented exception, pages keep rendering, broadcasts are logged.
        await Wait.UntilAsync(() => Volatile.Read(ref refused) >= 4, "updates are refused");
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<LiveStateUnavailableException>(async () => await one.States.MutateAsync<Counter>("elsewhere", c => c.Value++).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "a refused update does not hang");
        Assert.Equal(7, one.States.Get<Counter>(Cached).Value);
        Assert.Equal(0, one.States.Get<Counter>("never-read").Value);

        // Browser cookies keep working: a running server holds its Data Protection key ring.
        Assert.Equal(browserId, cookies.TryUnseal(cookie));
        Assert.NotNull(cookies.TryUnseal(cookies.Seal(BrowserIdCookie.NewId())));
        Assert.Equal(0, await one.Broadcaster.BroadcastToGroupAsync(Listening));
        Assert.True(one.Logs.Has(PublishFailed), "the failed broadcast is logged");
        await Wait.UntilAsync(() => one.Logs.Has(ConnectionFailed), "the lost connection is logged");
        Assert.Equal(HealthStatus.Unhealthy, (await one.HealthAsync()).Status);

        await redis.RestartAsync();
        var restarted = Stopwatch.StartNew();

        // Broadcasts resume: server 1 keeps broadcasting until server 2's circuit renders.
        var resumed = false;
        while (!resumed && restarted.Elapsed < ResumeBound)
        {
            var before = listener.Renders;
            await one.Broadcaster.BroadcastToGroupAsync(Listening);
            try
            {
                await Wait.UntilAsync(() => listener.Renders > before, "the broadcast arrived", TimeSpan.FromMilliseconds(250));
                resumed = true;
            }
            catch (TimeoutException)
            {
            }
        }

        Assert.True(resumed, $"broadcasts resumed within {ResumeBound.TotalSeconds:0.0} s of the restart (waited {restarted.Elapsed.TotalSeconds:0.0} s)");
        output.WriteLine($"broadcasts resumed {restarted.Elapsed.TotalMilliseconds:N0} ms after the restart");

        var acknowledgedAtRestart = Volatile.Read(ref acknowledged);
        await Wait.UntilAsync(() => Volatile.Read(ref acknowledged) >= acknowledgedAtRestart + 100, "updates flow again");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var final = (await two.States.GetAsync<Counter>(Counted)).Value;
        Assert.True(final >= acknowledged, $"no acknowledged update was lost: {final} stored, {acknowledged} acknowledged");
        Assert.True(final <= acknowledged + refused, $"nothing was applied twice: {final} stored, {acknowledged} acknowledged, {refused} refused");
        Assert.True(acknowledgedAtKill < acknowledged);
        output.WriteLine($"{acknowledged} acknowledged ({acknowledgedAtKill} before the kill), {refused} refused, {final} stored");
        await Wait.UntilAsync(() => one.Logs.Has(ConnectionRestored), "the restore is logged");
        await Wait.UntilAsync(() => one.Presence.CountGroup(Listening) == 1 && two.Presence.CountGroup(Cached) == 1, "presence is whole again", TimeSpan.FromSeconds(10));

        // No job of either server died or is still failing: the probe says Healthy (it is Degraded while one fails).
        foreach (var node in cluster.Nodes)
        {
            await Wait.UntilAsync(async () => (await node.HealthAsync()).Status == HealthStatus.Healthy, $"{node} reports Healthy", TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task AnAppStartedWithoutRedisRendersRefusesUpdatesAndRecoversWhenRedisArrives()
    {
        var port = RedisServer.FreePort();
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var early = await LiveNode.StartAsync("early", app, o => o.Configuration = $"127.0.0.1:{port},connectTimeout=1000");
        var earlyCircuit = early.Open(new LiveIdentity("lobby"));

        Assert.Equal(0, early.States.Get<Counter>("lobby").Value);
        await Assert.ThrowsAsync<LiveStateUnavailableException>(async () => await early.States.MutateAsync<Counter>("lobby", c => c.Value++).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, await early.Broadcaster.BroadcastToGroupAsync("lobby"));
        Assert.Equal(1, earlyCircuit.Renders);
        Assert.True(early.Logs.Has(NotConnectedYet), "starting without Redis is logged");

        // Documented limit: Data Protection has no key ring yet, so no browser cookie can be sealed until Redis answers.
        Assert.Throws<CryptographicException>(() => early.Services.GetRequiredService<BrowserIdCookie>().Seal(BrowserIdCookie.NewId()));
        Assert.True(early.Logs.Has(PublishFailed), "the failed broadcast is logged");

        await using var redis = await RedisServer.StartAsync(port: port);
        await Wait.UntilAsync(async () =>
        {
            try
            {
                await early.States.MutateAsync<Counter>("lobby", c => c.Value = 1);
                return true;
            }
            catch (LiveStateUnavailableException)
            {
                return false;
            }
        }, "updates succeed once Redis is there");

        // A second server joins: subscriptions and presence work both ways.
        await using var late = await LiveNode.StartAsync("late", app, o => o.Configuration = redis.EndPoint);
        var lateCircuit = late.Open(new LiveIdentity("lobby"));
        await Wait.UntilAsync(() => early.Presence.CountGroup("lobby") == 2 && late.Presence.CountGroup("lobby") == 2, "both servers see both circuits");

        var earlyRenders = earlyCircuit.Renders;
        await late.States.MutateAsync<Counter>("lobby", c => c.Value++);
        await Wait.UntilAsync(() => earlyCircuit.Renders > earlyRenders && early.States.Get<Counter>("lobby").Value == 2, "server 1 shows server 2's update");

        var lateRenders = lateCircuit.Renders;
        await early.Broadcaster.BroadcastToCircuitAsync(lateCircuit.Id);
        await Wait.UntilAsync(() => lateCircuit.Renders > lateRenders, "server 2 receives server 1's broadcast");
    }
}
