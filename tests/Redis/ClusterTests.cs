using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using LiveState.Blazor.State;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>Two (or three) in-process servers of one app sharing a real redis-server.</summary>
[Collection("redis")]
public sealed class ClusterTests(RedisFixture redis)
{
    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task TwoServersTimesEightTasksTimesAThousandIncrementsEndAtExactlySixteenThousand()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var group = NewGroup();
        var tasks = new List<Task>();
        foreach (var node in cluster.Nodes)
        {
            for (var t = 0; t < 8; t++)
            {
                tasks.Add(Task.Run(async () =>
                {
                    for (var i = 0; i < 1_000; i++)
                    {
                        await node.States.MutateAsync<Counter>(group, c => c.Value++);
                    }
                }));
            }
        }

        await Task.WhenAll(tasks);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(16_000, (await node.States.GetAsync<Counter>(group)).Value);
        }

        Assert.Equal(16_000, (await cluster.First.Store.GetAsync<Counter>(group, "test.counter"))!.Version);
    }

    [Fact]
    public async Task ABroadcastOnServerOneReachesTheMatchingCircuitsOnServerTwoAndNoOthers()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var (one, two) = (cluster.First, cluster.Last);
        var group = NewGroup();
        var matching = new[] { two.Open(new LiveIdentity(group)), two.Open(new LiveIdentity(NewGroup(), memberships: [group])) };
        var others = new[] { two.Open(new LiveIdentity(NewGroup())), one.Open(new LiveIdentity(NewGroup())), one.Open(new LiveIdentity(NewGroup(), "someone")) };
        FakeCircuit[] all = [.. matching, .. others];
        await cluster.WaitForPresenceAsync(all.Length);

        var reached = await one.Broadcaster.BroadcastToGroupAsync(group);

        await Wait.UntilAsync(() => matching.All(c => c.Renders == 1), "both matching circuits on server 2 rendered");
        await cluster.FenceAsync(all);
        Assert.All(matching, c => Assert.Equal(2, c.Renders));
        Assert.All(others, c => Assert.Equal(1, c.Renders));
        Assert.Equal(2, reached);
    }

    [Fact]
    public async Task ADeadServersCircuitsLeavePresenceWhenItsHeartbeatsStop()
    {
        static void Quick(RedisLiveStateOptions options)
        {
            options.PresenceHeartbeatInterval = TimeSpan.FromMilliseconds(100);
            options.PresenceTimeout = TimeSpan.FromMilliseconds(600);
        }

        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, Quick);
        var (survivor, doomed) = (cluster.First, cluster.Last);
        var group = NewGroup();
        var watcher = survivor.Open(new LiveIdentity(group));
        doomed.Open(new LiveIdentity(group));
        doomed.Open(new LiveIdentity(group, "ghost"));
        await cluster.WaitForPresenceAsync(3);
        Assert.Equal(3, survivor.Presence.CountGroup(group));
        var rendersBefore = watcher.Renders;

        // No farewell, no cleanup: the heartbeat just stops.
        await doomed.CrashAsync();

        await Wait.UntilAsync(() => survivor.Presence.CountGroup(group) == 1, "the dead server's circuits left presence", TimeSpan.FromSeconds(5));
        Assert.Empty(survivor.Presence.GetCircuitsOfUser("ghost"));
        Assert.DoesNotContain("ghost", survivor.Presence.GetOnlineUsers());

        // The survivor's own circuits of that group re-render, so their presence counts follow.
        await Wait.UntilAsync(() => watcher.Renders > rendersBefore, "the group re-rendered with its new count");
        Assert.True(survivor.Logs.Has(131), "the expiry is logged");
    }

    [Fact]
    public async Task AServerThatStopsTakesItsCircuitsOutOfPresenceAtOnce()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, o => o.PresenceTimeout = TimeSpan.FromMinutes(1));
        var group = NewGroup();
        cluster.Last.Open(new LiveIdentity(group));
        await cluster.WaitForPresenceAsync(1);

        await cluster.Last.StopAsync();

        // The timeout is a minute: only its farewell can explain this.
        await Wait.UntilAsync(() => cluster.First.Presence.CountGroup(group) == 0, "the stopped server's circuits left presence", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SessionGroupStateCountsTheGroupsCircuitsOnEveryServer()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var group = NewGroup();
        var here = cluster.First.Open(new LiveIdentity(group));
        cluster.Last.Open(new LiveIdentity(group));
        cluster.Last.Open(new LiveIdentity(group));
        await cluster.WaitForPresenceAsync(3);

        var presence = new LiveState.Blazor.Components.LivePresenceHandle(null!, cluster.First.Presence, group);

        Assert.Equal(3, presence.CircuitCount);
        Assert.Equal(3, presence.Circuits.Count);
    }

    [Fact]
    public async Task ABrowserCookieSealedByOneServerUnsealsOnEveryServerOfTheAppOnly()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, application: app);
        await using var otherApp = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1);
        var browserId = BrowserIdCookie.NewId();

        var cookie = cluster.First.Services.GetRequiredService<BrowserIdCookie>().Seal(browserId);

        Assert.Equal(browserId, cluster.Last.Services.GetRequiredService<BrowserIdCookie>().TryUnseal(cookie));
        Assert.Null(otherApp.First.Services.GetRequiredService<BrowserIdCookie>().TryUnseal(cookie));
    }

    [Fact]
    public async Task TwoAppsOnOneRedisDoNotSeeEachOther()
    {
        await using var blue = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1);
        await using var green = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        const string Group = "shared-name";
        var greenCircuit = green.First.Open(new LiveIdentity(Group));
        var blueCircuit = blue.First.Open(new LiveIdentity(Group));
        await green.WaitForPresenceAsync(1);

        await blue.First.States.MutateAsync<Counter>(Group, c => c.Value = 42);
        await blue.First.Broadcaster.BroadcastToAllAsync();
        await blue.First.Broadcaster.BroadcastToGroupAsync(Group);

        // Green's servers talk over green's channels: once green's second server hears green's first, anything blue
        // published before would have arrived too (one subscriber connection, in publish order).
        var before = green.Last.MessagesReceived;
        await green.First.Broadcaster.BroadcastToAllAsync();
        await Wait.UntilAsync(() => green.Last.MessagesReceived > before, "green's second server heard green's first");

        Assert.Equal(1, green.Last.MessagesReceived - before);
        Assert.Equal(1, greenCircuit.Renders);
        Assert.Equal(0, (await green.Last.States.GetAsync<Counter>(Group)).Value);
        Assert.Equal(42, (await blue.First.States.GetAsync<Counter>(Group)).Value);
        // Neither hosts the other's group: each answers from a read of its own app's presence.
        await Wait.UntilAsync(() => green.Last.Presence.CountGroup(Group) == 1, "green's second server counts green's circuit");
        Assert.Equal(1, blue.First.Presence.CountGroup(Group));
        Assert.Equal(3, blueCircuit.Renders);

        var greenGroups = new List<string>();
        await foreach (var group in green.First.States.ListGroupsAsync())
        {
            greenGroups.Add(group);
        }

        Assert.DoesNotContain(Group, greenGroups);
    }

    [Fact]
    public async Task AGroupsCachedStateIsDroppedWhenItsLastCircuitHereCloses()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1);
        var node = cluster.First;
        var group = NewGroup();
        await node.States.MutateAsync<Counter>(group, c => c.Value = 5);
        var first = node.Open(new LiveIdentity(group));
        var second = node.Open(new LiveIdentity(group));

        await Wait.UntilAsync(() => node.States.Get<Counter>(group).Value == 5, "the render cache loaded the group");
        Assert.True(node.Cache.TryGet<Counter>(group, "test.counter", out _));

        first.Close();
        Assert.True(node.Cache.TryGet<Counter>(group, "test.counter", out _));
        second.Close();
        Assert.False(node.Cache.TryGet<Counter>(group, "test.counter", out _));
    }

    [Fact]
    public async Task AConnectionFactoryReplacesTheConfiguration()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        var made = 0;
        await using var node = await LiveNode.StartAsync("s1", app, o => o.ConnectionFactory = async log =>
        {
            Interlocked.Increment(ref made);
            return await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Server.EndPoint, log);
        });

        await node.States.MutateAsync<Counter>("g", c => c.Value = 3);

        Assert.Equal(3, (await node.States.GetAsync<Counter>("g")).Value);
        Assert.Equal(1, made);
    }

    [Fact]
    public async Task StateOfGroupsWithoutCircuitsHereStaysCachedUpToACapOldestLoadGoingFirst()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var node = await LiveNode.StartAsync("s1", app, o => o.Configuration = redis.Server.EndPoint, o => o.IdleGroupScanInterval = TimeSpan.FromMilliseconds(50));
        node.Cache.MaxUnshownEntries = 2;
        var groups = Enumerable.Range(0, 4).Select(_ => NewGroup()).ToArray();

        // Pages of other groups reading these (a shared board, an admin view): cached, though no circuit of theirs is here.
        foreach (var group in groups)
        {
            await node.States.MutateAsync<Counter>(group, c => c.Value = 9);
            await Wait.UntilAsync(() => node.States.Get<Counter>(group).Value == 9, "the render cache loaded the group");
        }

        bool Cached(string group) => node.Cache.TryGet<Counter>(group, "test.counter", out _);
        await Wait.UntilAsync(() => !Cached(groups[0]) && !Cached(groups[1]), "the oldest loads past the cap were dropped");
        Assert.True(Cached(groups[2]) && Cached(groups[3]), "the newest loads stay: a group in use is not blanked for its age");

        // Reads and updates of groups no circuit here shows leave nothing behind in the backend.
        await node.States.GetAsync<Counter>(NewGroup());
        Assert.Equal(0, node.Services.GetRequiredService<StoredGroups>().Count);
        Assert.Equal(2, node.Services.GetRequiredService<Subscriptions>().Count);
    }
}
