using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Redis.Tests.Infrastructure;

/// <summary>The servers of one app: one node in memory, or several sharing one Redis.</summary>
internal sealed class LiveCluster : IAsyncDisposable
{
    private LiveCluster(IReadOnlyList<LiveNode> nodes)
    {
        Nodes = nodes;
    }

    public IReadOnlyList<LiveNode> Nodes { get; }

    public LiveNode First => Nodes[0];

    public LiveNode Last => Nodes[^1];

    /// <summary>Spreads circuits over the nodes: the i-th circuit goes to node i mod n.</summary>
    public LiveNode NodeFor(int index) => Nodes[index % Nodes.Count];

    public static async Task<LiveCluster> StartInMemoryAsync() =>
        new([await LiveNode.StartAsync("memory", "app-" + Guid.NewGuid().ToString("N")[..8], redis: null)]);

    public static Task<LiveCluster> StartRedisAsync(RedisServer redis, int nodes, Action<RedisLiveStateOptions>? configure = null, string? application = null, Action<LiveStateOptions>? liveState = null, Action<IServiceCollection>? services = null) =>
        StartRedisAsync(redis.EndPoint, nodes, configure, application, liveState, services);

    /// <summary>Servers of one app on the Redis (or Redis Cluster) at <paramref name="endPoint"/>.</summary>
    public static async Task<LiveCluster> StartRedisAsync(string endPoint, int nodes, Action<RedisLiveStateOptions>? configure = null, string? application = null, Action<LiveStateOptions>? liveState = null, Action<IServiceCollection>? services = null)
    {
        var app = application ?? "app-" + Guid.NewGuid().ToString("N")[..8];
        var started = new List<LiveNode>();
        for (var i = 0; i < nodes; i++)
        {
            started.Add(await LiveNode.StartAsync($"s{i + 1}", app, options =>
            {
                options.Configuration = endPoint;
                configure?.Invoke(options);
            }, liveState, services));
        }

        return new LiveCluster(started);
    }

    /// <summary>
    /// Waits until every node's presence counts <paramref name="circuits"/> circuits in total and knows, for each group
    /// and user it hosts, exactly the circuits every node has in it: presence has converged.
    /// </summary>
    public async Task WaitForPresenceAsync(int circuits)
    {
        await Wait.UntilAsync(() => Nodes.All(n => n.Presence.Count == circuits) && Converged(), $"every node sees {circuits} circuits and the circuits of what it hosts");

        // And the presence renders it caused are over (they are coalesced over a window), so that none lands in what a
        // test counts next.
        await Wait.UntilAsync(() => Nodes.All(n => n.Services.GetRequiredService<LocalChangeNotifier>().OpenWindows == 0), "every presence render window closed");
    }

    /// <summary>Waits until every node knows, for each group and user it hosts, exactly the circuits every node has in it.</summary>
    public Task WaitForHostedPresenceAsync() => Wait.UntilAsync(Converged, "every node sees the circuits of what it hosts");

    private bool Converged()
    {
        var all = Nodes.SelectMany(n => n.LocalRegistry.GetAll()).ToList();
        foreach (var node in Nodes)
        {
            var local = node.LocalRegistry;
            foreach (var group in all.SelectMany(c => c.Identity.Memberships.Append(c.GroupId)).Distinct())
            {
                var hosted = local.CountGroup(group) > 0 || local.CircuitsWatching(group).Length > 0;
                if (hosted && node.Presence.CountGroup(group) != Nodes.Sum(n => n.LocalRegistry.CountGroup(group)))
                {
                    return false;
                }
            }

            foreach (var user in all.Select(c => c.UserId).OfType<string>().Distinct())
            {
                if (local.CountUser(user) > 0 && node.Presence.CountUser(user) != Nodes.Sum(n => n.LocalRegistry.CountUser(user)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// A fence: a broadcast to all from the last node, awaited on every circuit. Anything a circuit was sent before
    /// it has been delivered once the fence has.
    /// </summary>
    public async Task FenceAsync(IReadOnlyList<FakeCircuit> circuits)
    {
        var before = circuits.ToDictionary(c => c, c => c.Renders);
        await Last.Broadcaster.BroadcastToAllAsync();
        await Wait.UntilAsync(() => circuits.All(c => c.Renders > before[c]), "the fence reached every circuit");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
