using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Session group state in Redis, shared by every server of the app. Updates are optimistic: compute the new value
/// from the current one, then compare-and-set on the slot's version in one Lua script; on a conflict the script
/// answers the newer value and the update is computed again, so concurrent updates from any number of servers
/// lose nothing. An update starts from the snapshot this server renders when it has one (no read first). When Redis
/// cannot be reached, reads and updates fail fast with <see cref="LiveStateUnavailableException"/> (renders are served
/// from the core's cache and never see it).
/// </summary>
internal sealed class RedisSessionGroupStore : ISessionGroupStore
{
    // Past this many conflicts in a row, back off a little so a crowd of writers on one slot takes turns.
    private const int ConflictsBeforeBackoff = 4;

    private readonly SlotWriters _writers = new();
    private readonly RedisSlots _slots;
    private readonly RedisConnection _connection;
    private readonly HostAccess _host;
    private readonly StoredGroups _stored;
    private readonly GroupVanishing _vanishing;
    private readonly RedisMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LogLimiter _unreadable;

    public RedisSessionGroupStore(RedisSlots slots, RedisConnection connection, HostAccess host, StoredGroups stored, GroupVanishing vanishing, RedisMetrics metrics, TimeProvider time, ILogger<RedisSessionGroupStore> logger)
    {
        _slots = slots;
        _connection = connection;
        _host = host;
        _stored = stored;
        _vanishing = vanishing;
        _metrics = metrics;
        _logger = logger;
        _unreadable = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
    }

    public async ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(slotKey);
        try
        {
            var slot = await _slots.ReadAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);
            if (slot is not null)
            {
                _stored.Note(groupId);
            }

            return slot;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) && ex is not LiveStateUnavailableException)
        {
            throw Unavailable($"Slot '{slotKey}' of group '{Redaction.Group(groupId)}' could not be read: Redis is unavailable.", ex);
        }
        catch (UnreadableSlotException ex)
        {
            // Another version of the app wrote it: its readers here show the slot's default until it reads again.
            if (_unreadable.TryEnter(out var suppressed))
            {
                Log.SlotUnreadable(_logger, slotKey, Redaction.Group(groupId), RedisFailures.Describe(ex), suppressed);
            }

            throw;
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

            // Start from the newest snapshot this server knows (the last write here, or what its circuits render); if
            // another server wrote since, the compare-and-set answers with theirs. Read only when nothing is known.
            var current = gate.LastKnown as SessionGroupSlot<T>;
            if (current is null && _host.Current is { } host && host.TryGetCached<T>(groupId, slotKey, out var cached))
            {
                current = cached;
            }

            current ??= await _slots.ReadAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);
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
                    _stored.Note(groupId);
                    return slot;
                }

                if (newer is null && current is { Version: > 0 })
                {
                    // The slot was there (this server showed version N) and is gone: the key expired, was evicted, or
                    // was deleted behind LiveState's back. The update starts from what Redis holds (nothing); every
                    // server drops what it holds of the group, so that its screens show that too instead of the
                    // vanished version.
                    _vanishing.Vanished(groupId);
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
            Log.UpdateUnavailable(_logger, slotKey, Redaction.Group(groupId), RedisFailures.Describe(ex));
            throw Unavailable($"Slot '{slotKey}' of group '{Redaction.Group(groupId)}' was not updated: Redis is unavailable. (If Redis failed while answering, the update may still have been applied.)", ex);
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
            throw Unavailable($"Group '{Redaction.Group(groupId)}' was not deleted: Redis is unavailable.", ex);
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
