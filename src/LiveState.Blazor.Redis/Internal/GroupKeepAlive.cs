using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Keeps the groups this server shows from expiring in Redis. Reads and writes slide a group key's expiry, but renders
/// read the core's cache: a tab left open past <see cref="LiveStateOptions.IdleGroupTimeout"/> without a write would lose
/// its group. So every <see cref="Interval"/> (a third of the timeout at most) this server extends the expiry of every
/// group it hosts (its circuits are in it or watch it), in pipelined batches. A key found missing that this server has
/// seen stored state of vanished behind LiveState's back (see <see cref="GroupVanishing"/>).
/// </summary>
internal sealed class GroupKeepAlive
{
    // Commands per batch: a pipeline, not a transaction, so keys may live on any cluster node.
    private const int BatchSize = 1_000;

    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly Subscriptions _subscriptions;
    private readonly StoredGroups _stored;
    private readonly GroupVanishing _vanishing;
    private readonly IOptionsMonitor<LiveStateOptions> _options;

    public GroupKeepAlive(RedisConnection connection, RedisNames names, Subscriptions subscriptions, StoredGroups stored, GroupVanishing vanishing, IOptionsMonitor<LiveStateOptions> options)
    {
        _connection = connection;
        _names = names;
        _subscriptions = subscriptions;
        _stored = stored;
        _vanishing = vanishing;
        _options = options;
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

    /// <summary>Extends the expiry of every group hosted here; returns how many keys were found vanished.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var groups = _subscriptions.HostedGroups().ToList();
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
                // Missing is normal for a group nothing was written to yet; it matters only if this server saw it stored.
                if (!extended[i].Result && _stored.Contains(chunk[i]))
                {
                    vanished++;

                    // Every server hosting it finds it missing by itself: none needs telling.
                    _vanishing.Vanished(chunk[i], tellOthers: false);
                }
            }
        }

        return vanished;
    }
}

/// <summary>
/// A group's state vanished from Redis although this server had seen it (expired, evicted, or deleted outside
/// LiveState): what this server holds of it goes and its readers here re-render with what Redis holds, and, when an
/// update found it, the other servers are told to do the same (they may hold a higher version than the slot will ever
/// reach again).
/// </summary>
internal sealed class GroupVanishing(HostAccess host, StoredGroups stored, MessagePublisher publisher, ILogger<GroupVanishing> logger)
{
    public void Vanished(string groupId, bool tellOthers = true)
    {
        stored.Forget(groupId);
        Log.GroupVanished(logger, Redaction.Group(groupId));
        if (host.Current is { } current)
        {
            var forgotten = current.ForgetAsync(groupId);
            if (!forgotten.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(forgotten);
            }
        }

        if (tellOthers)
        {
            // A change of every slot: receivers drop the group and read it again.
            publisher.PublishSlotChange(LiveMessage.SlotChanged(groupId, slotKey: null));
        }
    }

    private async Task ObserveAsync(ValueTask forgotten)
    {
        try
        {
            await forgotten.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.RemoteDeliveryFailed(logger, ex);
        }
    }
}
