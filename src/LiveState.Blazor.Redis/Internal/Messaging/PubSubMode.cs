using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Whether the app's channels are shard channels (<c>SSUBSCRIBE</c>/<c>SPUBLISH</c>, Redis 7: on a cluster a message
/// then stays on the node of its channel's slot) or plain ones (Redis 6: every node of a cluster relays every message).
/// Decided once, from the first masters this server reaches: every server of the app asks the same Redis, so all decide
/// alike.
/// </summary>
internal sealed class PubSubMode
{
    private int _sharded = -1;

    /// <summary>The mode, deciding it if the connection reaches its masters now; null while it cannot tell.</summary>
    public bool? Resolve(IConnectionMultiplexer multiplexer)
    {
        var known = Volatile.Read(ref _sharded);
        if (known >= 0)
        {
            return known == 1;
        }

        var masters = multiplexer.GetServers().Where(s => !s.IsReplica && s.IsConnected).ToList();
        if (masters.Count == 0)
        {
            return null;
        }

        var sharded = masters.All(s => s.Features.ShardedPubSub);
        Interlocked.CompareExchange(ref _sharded, sharded ? 1 : 0, -1);
        return Volatile.Read(ref _sharded) == 1;
    }

    /// <summary>The mode, or an <see cref="LiveStateUnavailableException"/> while Redis cannot be reached to tell.</summary>
    public bool Require(IConnectionMultiplexer multiplexer) =>
        Resolve(multiplexer) ?? throw new LiveStateUnavailableException("Redis is unavailable.");

    /// <summary>The command a script publishes with.</summary>
    public static string PublishCommand(bool sharded) => sharded ? "SPUBLISH" : "PUBLISH";
}
