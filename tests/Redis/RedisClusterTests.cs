using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// What only a Redis Cluster can show: keys spread over three masters (so every script must touch one slot), group
/// listing that scans every master, pub/sub across nodes, and the Data Protection key ring. The shared conformance
/// suite runs here too (<see cref="Conformance.RedisClusterBackendTests"/>).
/// </summary>
[Collection("redis-cluster")]
public sealed class RedisClusterTests(RedisClusterFixture redis)
{
    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task GroupsSpreadOverEveryMasterAndListingFindsEachOnce()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Cluster.EndPoint, nodes: 2, application: app);
        var groups = Enumerable.Range(0, 40).Select(_ => NewGroup()).ToArray();
        for (var i = 0; i < groups.Length; i++)
        {
            await cluster.NodeFor(i).States.MutateAsync<Counter>(groups[i], c => c.Value = 1);
        }

        var listed = new List<string>();
        await foreach (var group in cluster.Last.States.ListGroupsAsync())
        {
            listed.Add(group);
        }

        Assert.Equal(groups.Order(), listed.Order());

        // The cluster really holds them on several masters (otherwise this test proves nothing about one-slot scripts).
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Cluster.EndPoint);
        var mastersHolding = 0;
        foreach (var server in client.GetServers().Where(s => !s.IsReplica))
        {
            var count = 0;
            await foreach (var _ in server.KeysAsync(pattern: $"livestate:{app}:group:*"))
            {
                count++;
            }

            mastersHolding += count > 0 ? 1 : 0;
        }

        Assert.Equal(3, mastersHolding);

        foreach (var group in groups)
        {
            Assert.True(await cluster.First.States.DeleteAsync(group));
        }
    }

    [Fact]
    public async Task ABroadcastAndPresenceCrossNodesOfTheCluster()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Cluster.EndPoint, nodes: 2);
        var group = NewGroup();
        cluster.First.Open(new LiveIdentity(group));
        var other = cluster.Last.Open(new LiveIdentity(group, "ada"));
        await cluster.WaitForPresenceAsync(2);

        await cluster.First.States.MutateAsync<Counter>(group, c => c.Value = 5);
        await Wait.UntilAsync(() => other.Renders > 0, "the other server's circuit re-rendered");
        Assert.Equal(5, (await cluster.Last.States.GetAsync<Counter>(group)).Value);

        // A stop says farewell through a script on the server's own presence key.
        await cluster.Last.StopAsync();
        await Wait.UntilAsync(() => cluster.First.Presence.CountGroup(group) == 1, "the stopped server's circuit left presence");
    }

    [Fact]
    public async Task ACrashedServersCircuitsLeavePresenceWhenItsHeartbeatsStop()
    {
        static void Quick(RedisLiveStateOptions options)
        {
            options.PresenceHeartbeatInterval = TimeSpan.FromMilliseconds(100);
            options.PresenceTimeout = TimeSpan.FromMilliseconds(600);
        }

        await using var cluster = await LiveCluster.StartRedisAsync(redis.Cluster.EndPoint, nodes: 2, Quick);
        var group = NewGroup();
        cluster.First.Open(new LiveIdentity(group));
        cluster.Last.Open(new LiveIdentity(group, "ghost"));
        await cluster.WaitForPresenceAsync(2);

        await cluster.Last.CrashAsync();

        // The timeout, then a heartbeat to notice; ten times over, as this class runs beside others on a busy machine.
        await Wait.UntilAsync(() => cluster.First.Presence.CountGroup(group) == 1, "the crashed server's circuit left presence", 10 * (TimeSpan.FromMilliseconds(600) + TimeSpan.FromMilliseconds(100)));
        Assert.Empty(cluster.First.Presence.GetCircuitsOfUser("ghost"));
    }

    [Fact]
    public async Task MessagesTravelOnShardChannelsThatLiveOnTheNodeOfTheirGroupsPresence()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Cluster.EndPoint, nodes: 2, application: app);
        var groups = Enumerable.Range(0, 40).Select(_ => NewGroup()).ToArray();
        for (var i = 0; i < groups.Length; i++)
        {
            cluster.NodeFor(i).Open(new LiveIdentity(groups[i]));
        }

        await cluster.WaitForPresenceAsync(groups.Length);

        // Each group's channel is a shard channel (SSUBSCRIBE) on the node that holds its presence key: a message to it
        // goes to that node only, not to every node of the cluster. No plain channel of the app exists.
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Cluster.EndPoint);
        var shardChannels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var server in client.GetServers().Where(s => !s.IsReplica))
        {
            var listed = (RedisResult[])(await server.ExecuteAsync("PUBSUB", "SHARDCHANNELS", $"livestate:{app}:*"))!;
            foreach (var channel in listed)
            {
                shardChannels[(string)channel!] = server.EndPoint.ToString()!;
            }

            Assert.Empty((RedisResult[])(await server.ExecuteAsync("PUBSUB", "CHANNELS", $"livestate:{app}:*"))!);
        }

        var nodesUsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var channel = $"livestate:{app}:g:{{{group}}}";
            Assert.True(shardChannels.TryGetValue(channel, out var node), $"{channel} is a shard channel");
            Assert.Equal(client.GetServer(client.GetDatabase().IdentifyEndpoint($"livestate:{app}:pg:{{{group}}}")!).EndPoint.ToString(), node);
            nodesUsed.Add(node!);
        }

        Assert.Equal(3, nodesUsed.Count);
    }

    [Fact]
    public async Task ABrowserCookieSealedByOneServerUnsealsOnTheOther()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Cluster.EndPoint, nodes: 2);
        var browserId = BrowserIdCookie.NewId();

        var cookie = cluster.First.Services.GetRequiredService<BrowserIdCookie>().Seal(browserId);

        Assert.Equal(browserId, cluster.Last.Services.GetRequiredService<BrowserIdCookie>().TryUnseal(cookie));
    }
}

/// <summary>A Redis Cluster that loses a master: a test of its own cluster, so the shared one stays whole.</summary>
[Collection(Faults.FaultCollection.Name)]
public sealed class RedisClusterFaultTests
{
    private const int ConnectionFailed = 103;

    [Fact]
    public async Task ListingGroupsWithAMasterDownFailsInsteadOfAnsweringPartOfThem()
    {
        await using var redis = await RedisCluster.StartAsync();
        await using var cluster = await LiveCluster.StartRedisAsync(redis.EndPoint, nodes: 1);
        var node = cluster.First;
        var groups = Enumerable.Range(0, 30).Select(i => $"group-{i}").ToArray();
        foreach (var group in groups)
        {
            await node.States.MutateAsync<Counter>(group, c => c.Value = 1);
        }

        redis.Nodes[^1].Kill();

        // Until and after the connection to the dead master is known to have failed, a listing is whole or refused.
        var answers = 0;
        await Wait.UntilAsync(async () =>
        {
            try
            {
                var listed = new List<string>();
                await foreach (var group in node.States.ListGroupsAsync())
                {
                    listed.Add(group);
                }

                Assert.Equal(groups.Order(), listed.Order());
            }
            catch (LiveStateUnavailableException)
            {
            }

            return node.Logs.Has(ConnectionFailed) && ++answers >= 5;
        }, "the dead master's connection failed, and five listings after it");
    }
}
