using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Keeps the groups this server shows from expiring in Redis. Reads and writes slide a group key's expiry, but
/// renders read the local cache: a tab left open past <see cref="LiveStateOptions.IdleGroupTimeout"/> without a
/// write would lose its group. So every <see cref="Interval"/> (a third of the timeout at most) this server extends
/// the expiry of every group its circuits belong to and every group its cache holds, in one pipelined batch. A key
/// found missing while the cache holds a stored version of it vanished behind LiveState's back: the cached copy is
/// dropped and the group's circuits here re-render with what Redis holds.
/// </summary>
internal sealed class GroupKeepAlive
{
    // Commands per batch: a pipeline, not a transaction, so keys may live on any cluster node.
    private const int BatchSize = 1_000;

    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly CircuitRegistry _local;
    private readonly SlotCacheSync _cache;
    private readonly Broadcaster _localBroadcaster;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly ILogger _logger;

    public GroupKeepAlive(RedisConnection connection, RedisNames names, CircuitRegistry local, SlotCacheSync cache, Broadcaster localBroadcaster, IOptionsMonitor<LiveStateOptions> options, ILogger<GroupKeepAlive> logger)
    {
        _connection = connection;
        _names = names;
        _local = local;
        _cache = cache;
        _localBroadcaster = localBroadcaster;
        _options = options;
        _logger = logger;
    }

    /// <summary>How often groups on screen are kept alive: the idle scan interval, or a third of the idle timeout if shorter.</summary>
    public TimeSpan Interval
    {
        get
        {
            var options = _options.CurrentValue;
            var third = options.IdleGroupTimeout / 3;
            return third < options.IdleGroupScanInterval ? third : options.IdleGroupScanInterval;
        }
    }

    /// <summary>Extends the expiry of every group shown here; returns how many keys were found missing and dropped from the cache.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var groups = new HashSet<string>(_local.GetActiveGroups(), StringComparer.Ordinal);
        groups.UnionWith(_cache.CachedGroups());
        if (groups.Count == 0)
        {
            return 0;
        }

        var expiry = _options.CurrentValue.IdleGroupTimeout;
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var vanished = 0;
        foreach (var chunk in groups.Chunk(BatchSize))
        {
            var batch = database.CreateBatch();
            var extended = new Task<bool>[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                extended[i] = batch.KeyExpireAsync(_names.Group(chunk[i]), expiry);
            }

            batch.Execute();
            await Task.WhenAll(extended).WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                // Missing is normal for a group nothing was written to yet; it matters only if this server showed a stored version.
                if (!extended[i].Result && _cache.DropVanished(chunk[i]))
                {
                    vanished++;
                    Log.GroupVanished(_logger, LiveIdentity.Redact(chunk[i]));
                    // Its circuits here re-render; a group shown here without a circuit of its own (a shared board)
                    // may be on any page, so every circuit does (as a first load does; vanishing is rare).
                    _ = _local.CountGroup(chunk[i]) > 0
                        ? await _localBroadcaster.BroadcastToGroupAsync(chunk[i], cancellationToken: cancellationToken).ConfigureAwait(false)
                        : await _localBroadcaster.BroadcastToAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return vanished;
    }
}
