using System.Runtime.CompilerServices;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.State;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Session group state in Redis, shared by every server of the app. Updates are optimistic: compute the new value
/// from the current one, then compare-and-set on the slot's version in one Lua script; on a conflict the script
/// answers the newer value and the update is computed again, so concurrent updates from any number of servers
/// lose nothing. When Redis cannot be reached, reads and updates fail fast with
/// <see cref="LiveStateUnavailableException"/> (renders are served from the core's cache and never see it).
/// </summary>
internal sealed class RedisSessionGroupStore : ISessionGroupStore
{
    // Past this many conflicts in a row, back off a little so a crowd of writers on one slot takes turns.
    private const int ConflictsBeforeBackoff = 4;

    private readonly SlotWriters _writers = new();
    private readonly RedisSlots _slots;
    private readonly SlotCacheSync _sync;
    private readonly SlotCache _cache;
    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly LiveStateMetrics _metrics;

    public RedisSessionGroupStore(RedisSlots slots, SlotCacheSync sync, SlotCache cache, RedisConnection connection, LiveStateMetrics metrics, ILogger<RedisSessionGroupStore> logger)
    {
        _metrics = metrics;
        _slots = slots;
        _sync = sync;
        _cache = cache;
        _connection = connection;
        _logger = logger;
    }

    public async ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(slotKey);
        try
        {
            return await _sync.ReadTrackedAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) && ex is not LiveStateUnavailableException)
        {
            throw Unavailable($"Slot '{slotKey}' of group '{LiveIdentity.Redact(groupId)}' could not be read: Redis is unavailable.", ex);
        }
    }

    public async ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentException.ThrowIfNullOrEmpty(slotKey);
        ArgumentNullException.ThrowIfNull(update);
        cancellationToken.ThrowIfCancellationRequested();
        SlotWriters.Gate? gate = null;
        var stored = false;
        try
        {
            gate = await _writers.EnterAsync(groupId, slotKey, cancellationToken).ConfigureAwait(false);

            // Start from the newest snapshot this server knows (the last write here, or what its circuits render);
            // if another server wrote since, the compare-and-set answers with theirs. Read only when nothing is known.
            var current = gate.LastKnown as SessionGroupSlot<T>
                ?? (_cache.TryGet<T>(groupId, slotKey, out var cached) ? cached : null)
                ?? await _slots.ReadAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);
            for (var conflicts = 0; ; conflicts++)
            {
                // The caller's token cancels only before a write is sent: once sent, it is awaited to its answer.
                cancellationToken.ThrowIfCancellationRequested();
                var value = update(current?.Value) ?? throw new InvalidOperationException($"The update of slot '{slotKey}' returned null.");
                var (applied, version, newer) = await _slots.CompareAndSetAsync(groupId, slotKey, current?.Version ?? 0, value).ConfigureAwait(false);
                if (applied)
                {
                    var slot = new SessionGroupSlot<T>(value, version);
                    gate.LastKnown = slot;
                    stored = true;
                    return slot;
                }

                if (newer is null && current is { Version: > 0 })
                {
                    // The slot was there (this server showed version N) and is gone: the key expired, was evicted, or
                    // was deleted behind LiveState's back. The update starts from what Redis holds (nothing); the
                    // cached copy goes, so this server's screens show that too instead of the vanished version.
                    if (_sync.DropVanished(groupId))
                    {
                        Log.GroupVanished(_logger, LiveIdentity.Redact(groupId));
                    }
                }

                current = newer;
                _metrics.UpdateConflict(retrying: true);
                if (conflicts >= ConflictsBeforeBackoff)
                {
                    // Servers taking turns on a hot slot: a short random pause breaks the lockstep.
                    await Task.Delay(Random.Shared.Next(1, Math.Min(conflicts, 10) + 1), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) && ex is not LiveStateUnavailableException)
        {
            Log.UpdateUnavailable(_logger, slotKey, LiveIdentity.Redact(groupId), RedisFailures.Describe(ex));
            throw Unavailable($"Slot '{slotKey}' of group '{LiveIdentity.Redact(groupId)}' was not updated: Redis is unavailable. (If Redis failed while answering, the update may still have been applied.)", ex);
        }
        finally
        {
            if (gate is not null)
            {
                if (!stored)
                {
                    // Whatever failed, the next writer reads the slot afresh.
                    gate.LastKnown = null;
                }

                _writers.Exit(gate);
            }
        }
    }

    public async ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        try
        {
            return await _slots.DeleteAsync(groupId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) && ex is not LiveStateUnavailableException)
        {
            throw Unavailable($"Group '{LiveIdentity.Redact(groupId)}' was not deleted: Redis is unavailable.", ex);
        }
    }

    public async IAsyncEnumerable<string> ListGroupsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var multiplexer = await GetMultiplexerAsync(cancellationToken).ConfigureAwait(false);

        // Every master holds its own share of the keys (all of them on a single Redis, a range of slots on a
        // Cluster): a master out of reach would make the listing silently partial, and a purge by it incomplete.
        var masters = multiplexer.GetServers().Where(s => !s.IsReplica).ToList();
        if (masters.Count == 0 || masters.Any(s => !s.IsConnected))
        {
            throw new LiveStateUnavailableException("Groups could not be listed: a Redis server that holds some of them is unavailable.");
        }

        foreach (var server in masters)
        {

            var keys = server.KeysAsync(pattern: _slots.Names.GroupPattern, pageSize: 500).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (await MoveNextAsync(keys).ConfigureAwait(false))
                {
                    yield return _slots.Names.GroupIdOf(keys.Current!);
                }
            }
            finally
            {
                await keys.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) && ex is not LiveStateUnavailableException)
        {
            throw Unavailable("Groups could not be listed: Redis is unavailable.", ex);
        }
    }

    private static async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<RedisKey> keys)
    {
        try
        {
            return await keys.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) && ex is not LiveStateUnavailableException)
        {
            throw Unavailable("Groups could not be listed: Redis is unavailable.", ex);
        }
    }

    private static LiveStateUnavailableException Unavailable(string message, Exception inner) => new(message, RedisFailures.Scrub(inner));
}
