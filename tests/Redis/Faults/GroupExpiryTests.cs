using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LiveState.Blazor.Redis.Tests.Faults;

/// <summary>
/// A group on screen never expires in Redis, and a group whose key vanishes anyway (evicted, flushed, deleted behind
/// LiveState's back) is dropped from every server's cache (issue 14, item 3). What the user sees: within one
/// keep-alive interval every screen shows what Redis holds (the slot's default); an update made before a server
/// noticed starts from that too; no server ever keeps showing (or computing from) the vanished higher version.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class GroupExpiryTests
{
    private static readonly TimeSpan IdleGroupTimeout = TimeSpan.FromMilliseconds(1500);

    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task AGroupOnScreenOutlivesTwiceItsIdleTimeoutWithoutAWriteWhileAGroupOffScreenExpires()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var shown = await LiveNode.StartAsync("s1", app, o => o.Configuration = redis.EndPoint, o => o.IdleGroupTimeout = IdleGroupTimeout);
        await using var other = await LiveNode.StartAsync("s2", app, o => o.Configuration = redis.EndPoint, o => o.IdleGroupTimeout = IdleGroupTimeout);
        var onScreen = NewGroup();
        var offScreen = NewGroup();
        shown.Open(new LiveIdentity(onScreen), onRender: _ => shown.States.Get<Counter>(onScreen));
        await shown.States.MutateAsync<Counter>(onScreen, c => c.Value = 7);

        // Time passes without a write: proven by a group off screen expiring twice over (each write starts its timeout).
        for (var round = 0; round < 2; round++)
        {
            await other.States.MutateAsync<Counter>(offScreen, c => c.Value = 1);
            await Wait.UntilAsync(async () => !await admin.Database.KeyExistsAsync($"livestate:{app}:group:{offScreen}"), "the group off screen expired");
        }

        Assert.True(await admin.Database.KeyExistsAsync($"livestate:{app}:group:{onScreen}"), "the group on screen is still in Redis");
        Assert.Equal(7, (await other.States.GetAsync<Counter>(onScreen)).Value);
    }

    [Fact]
    public async Task AKeyThatVanishesUnderALiveGroupIsDroppedEverywhereAndTheScreensShowWhatRedisHolds()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis, nodes: 2, application: app);
        var (one, two) = (cluster.First, cluster.Last);
        var group = NewGroup();
        var screens = new Dictionary<LiveNode, int>();
        foreach (var node in cluster.Nodes)
        {
            node.Open(new LiveIdentity(group), onRender: _ =>
            {
                lock (screens)
                {
                    screens[node] = node.States.Get<Counter>(group).Value;
                }
            });
        }

        int Screen(LiveNode node)
        {
            lock (screens)
            {
                return screens.GetValueOrDefault(node, -1);
            }
        }

        await cluster.WaitForPresenceAsync(2);
        for (var i = 0; i < 5; i++)
        {
            await one.States.MutateAsync<Counter>(group, c => c.Value++);
        }

        await Wait.UntilAsync(() => Screen(one) == 5 && Screen(two) == 5, "both screens show 5");

        // The key goes behind LiveState's back (eviction, FLUSHALL, an admin): nobody broadcasts it. With the default
        // idle timeout (a day) no keep-alive comes round in this test: the next update must notice by itself.
        await admin.Database.KeyDeleteAsync($"livestate:{app}:group:{group}");
        var next = await one.States.MutateAsync<Counter>(group, c => c.Value++);

        Assert.Equal(1, next.Value);
        await Wait.UntilAsync(() => Screen(one) == 1 && Screen(two) == 1, "both screens show what Redis holds (1), not the vanished 5");
        var again = await two.States.MutateAsync<Counter>(group, c => c.Value++);
        Assert.Equal(2, again.Value);
        await Wait.UntilAsync(() => Screen(one) == 2 && Screen(two) == 2, "both screens follow");
    }

    [Fact]
    public async Task AVanishedKeyIsNoticedByTheKeepAliveWithoutAnyUpdateAndScreensShowTheDefault()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var admin = await RedisAdmin.ConnectAsync(redis.EndPoint);
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        // The keep-alive runs every IdleGroupScanInterval (or a third of IdleGroupTimeout, if shorter).
        await using var cluster = await LiveCluster.StartRedisAsync(redis, nodes: 2, application: app, liveState: o => o.IdleGroupScanInterval = TimeSpan.FromMilliseconds(300));
        var group = NewGroup();
        var screens = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        foreach (var node in cluster.Nodes)
        {
            node.Open(new LiveIdentity(group), onRender: c => screens[c.Node.Name] = c.Node.States.Get<Counter>(group).Value);
        }

        await cluster.WaitForPresenceAsync(2);
        await cluster.First.States.MutateAsync<Counter>(group, c => c.Value = 9);
        await Wait.UntilAsync(() => cluster.Nodes.All(n => screens.GetValueOrDefault(n.Name) == 9), "both screens show 9");

        await admin.Database.KeyDeleteAsync($"livestate:{app}:group:{group}");

        await Wait.UntilAsync(() => cluster.Nodes.All(n => screens.GetValueOrDefault(n.Name, -1) == 0), "both screens show the default once the keep-alive finds the key gone");
        Assert.All(cluster.Nodes, n => Assert.Contains(n.Logs.Entries, e => e.EventId == 143));
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(HealthStatus.Healthy, (await node.HealthAsync()).Status);
        }
    }
}
