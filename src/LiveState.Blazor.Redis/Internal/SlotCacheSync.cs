using System.Collections.Concurrent;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Keeps the core's <see cref="SlotCache"/> (what renders read without waiting on Redis) true across servers, and
/// bounded. Every slot read from Redis is tracked by group. When another server changes a group, the tracked slots
/// that are cached are read again before the group re-renders, so its circuits show the new state at once and
/// never flash an empty one. A group's cache is dropped when its last local circuit closes; groups read here
/// without a circuit here are swept (see <see cref="Sweep"/>).
/// </summary>
internal sealed class SlotCacheSync : IDisposable
{
    // A read that keeps losing to remote changes gives up after this many tries; the next change refreshes it anyway.
    private const int MaxRereads = 5;

    private readonly ConcurrentDictionary<string, TrackedGroup> _groups = new(StringComparer.Ordinal);
    private readonly RedisSlots _slots;
    private readonly SlotCache _cache;
    private readonly CircuitRegistry _local;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogLimiter _unreadable;

    public SlotCacheSync(RedisSlots slots, SlotCache cache, CircuitRegistry local, TimeProvider time, ILogger<SlotCacheSync> logger)
    {
        _slots = slots;
        _cache = cache;
        _local = local;
        _time = time;
        _logger = logger;
        _unreadable = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
        _local.Changed += OnLocalChanged;
    }

    public int TrackedGroupCount => _groups.Count;

    /// <summary>Reads a slot for the cache (or any reader) and remembers it, so remote changes refresh it.</summary>
    public async Task<SessionGroupSlot<T>?> ReadTrackedAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var group = _groups.GetOrAdd(groupId, static (_, now) => new TrackedGroup(now), _time.GetTimestamp());
            group.Touch(_time.GetTimestamp());
            group.Slots.TryAdd(slotKey, SlotRefresher<T>.Instance);
            var epoch = group.Epoch;
            var slot = await _slots.ReadAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);

            // A remote change that arrived while this read was in flight found nothing cached to refresh, and a sweep
            // meanwhile would leave what this read caches untracked: in either case read again, so the cache never
            // settles on a snapshot that nothing will refresh.
            if ((group.Epoch == epoch && _groups.TryGetValue(groupId, out var live) && ReferenceEquals(live, group)) || attempt == MaxRereads)
            {
                return slot;
            }
        }
    }

    /// <summary>Another server changed <paramref name="groupId"/>: bring its cached slots up to date.</summary>
    public async Task RefreshAsync(string groupId, CancellationToken cancellationToken = default)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return;
        }

        group.Invalidate();
        foreach (var (slotKey, refresher) in group.Slots)
        {
            try
            {
                if (!await refresher.RefreshAsync(this, groupId, slotKey, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
            {
                // Keep serving the cached snapshot; when Redis is back, RefreshAllAsync catches up.
                Log.CacheRefreshFailed(_logger, LiveIdentity.Redact(groupId), RedisFailures.Describe(ex));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // This slot does not read as its type (another version of the app wrote it): it keeps its last
                // readable snapshot, and the group's other slots are refreshed and re-rendered all the same.
                if (_unreadable.TryEnter(out var suppressed))
                {
                    Log.SlotUnreadable(_logger, slotKey, LiveIdentity.Redact(groupId), RedisFailures.Describe(ex), suppressed);
                }
            }
        }
    }

    /// <summary>After an outage (messages may have been missed): refreshes every tracked group; returns them.</summary>
    public async Task<List<string>> RefreshAllAsync(CancellationToken cancellationToken = default)
    {
        var refreshed = new List<string>();
        foreach (var groupId in _groups.Keys)
        {
            await RefreshAsync(groupId, cancellationToken).ConfigureAwait(false);
            refreshed.Add(groupId);
        }

        return refreshed;
    }

    /// <summary>
    /// The most groups without a circuit here whose state the cache keeps (read by pages of other groups: a shared
    /// board, an admin view). Past it, the ones loaded longest ago are dropped.
    /// </summary>
    internal int MaxGroupsWithoutCircuits { get; set; } = 10_000;

    /// <summary>
    /// Bounds what is kept for groups without a circuit here: tracking of groups with nothing cached and no read
    /// since <paramref name="idleSince"/> goes; cached ones go only past <see cref="MaxGroupsWithoutCircuits"/>,
    /// oldest load first. (Renders read the cache without telling anyone, so age alone cannot say a shared group is
    /// unused: dropping it would blank it.)
    /// </summary>
    /// <param name="idleSince">A <see cref="TimeProvider.GetTimestamp"/> value: reads after it keep a group tracked.</param>
    /// <returns>How many groups were dropped.</returns>
    public int Sweep(long idleSince)
    {
        var swept = 0;
        List<KeyValuePair<string, TrackedGroup>>? cached = null;
        foreach (var pair in _groups)
        {
            if (_local.CountGroup(pair.Key) > 0)
            {
                continue;
            }

            if (!IsCached(pair.Key, pair.Value))
            {
                // A read in flight caches what it reads a moment later: leave recently read groups tracked.
                if (pair.Value.LastRead >= idleSince)
                {
                    continue;
                }

                if (_groups.TryRemove(pair))
                {
                    swept++;
                }
            }
            else
            {
                (cached ??= []).Add(pair);
            }
        }

        if (cached is not null && cached.Count > MaxGroupsWithoutCircuits)
        {
            cached.Sort(static (a, b) => a.Value.LastRead.CompareTo(b.Value.LastRead));
            for (var i = 0; i < cached.Count - MaxGroupsWithoutCircuits; i++)
            {
                if (_groups.TryRemove(cached[i]))
                {
                    _cache.Forget(cached[i].Key);
                    swept++;
                }
            }
        }

        return swept;
    }

    /// <summary>The groups with some slot in the render cache (shown here, also without a circuit of theirs here).</summary>
    public IEnumerable<string> CachedGroups()
    {
        foreach (var (groupId, group) in _groups)
        {
            if (IsCached(groupId, group))
            {
                yield return groupId;
            }
        }
    }

    /// <summary>
    /// The group's key is gone from Redis although this server showed a stored version of it (expired, evicted, or
    /// deleted behind LiveState's back): drop what the cache holds, so renders load what Redis holds now instead of
    /// keeping the vanished, higher version for good. Returns whether anything stored was dropped.
    /// </summary>
    public bool DropVanished(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return false;
        }

        var stored = false;
        foreach (var (slotKey, refresher) in group.Slots)
        {
            stored |= refresher.CachedVersion(_cache, groupId, slotKey) > 0;
        }

        if (stored)
        {
            group.Invalidate();
            _cache.Forget(groupId);
        }

        return stored;
    }

    private bool IsCached(string groupId, TrackedGroup group)
    {
        foreach (var (slotKey, refresher) in group.Slots)
        {
            if (refresher.IsCached(_cache, groupId, slotKey))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<bool> RefreshSlotAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken) where T : class
    {
        if (!_cache.TryGet<T>(groupId, slotKey, out var cached))
        {
            // Nothing cached: the next render reads it fresh.
            return true;
        }

        var fresh = await _slots.ReadAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);
        if (fresh is not null && fresh.Version < cached.Version)
        {
            // Either an update on this server overtook the read (a second read shows it), or the group was deleted
            // and started again from version 1 (a second read shows that too).
            fresh = await _slots.ReadAsync<T>(groupId, slotKey, cancellationToken).ConfigureAwait(false);
            if (!_cache.TryGet(groupId, slotKey, out cached))
            {
                return true;
            }

            if (fresh is not null && fresh.Version < cached.Version)
            {
                fresh = null;
            }
        }

        if (fresh is null)
        {
            // Deleted or expired: what the cache holds is gone; renders show the slot's default until it is written.
            _cache.Forget(groupId);
            return false;
        }

        _cache.Offer(groupId, slotKey, fresh);
        return true;
    }

    private void OnLocalChanged(object? sender, LiveCircuitChangedEventArgs change)
    {
        var identity = change.Kind switch
        {
            LiveCircuitChangeKind.Closed => change.Circuit.Identity,
            LiveCircuitChangeKind.Moved => change.PreviousIdentity,
            _ => null,
        };

        if (identity is null)
        {
            return;
        }

        // No circuit here shows the group any more: stop holding its snapshots (the tracking goes at the next sweep).
        ForgetIfUnused(identity.GroupId);
        foreach (var membership in identity.Memberships)
        {
            ForgetIfUnused(membership);
        }
    }

    private void ForgetIfUnused(string groupId)
    {
        if (_local.CountGroup(groupId) == 0)
        {
            _cache.Forget(groupId);
        }
    }

    public void Dispose() => _local.Changed -= OnLocalChanged;

    private sealed class TrackedGroup(long now)
    {
        private long _epoch;
        private long _lastRead = now;

        public ConcurrentDictionary<string, ISlotRefresher> Slots { get; } = new(StringComparer.Ordinal);

        public long Epoch => Volatile.Read(ref _epoch);

        public long LastRead => Volatile.Read(ref _lastRead);

        public void Invalidate() => Interlocked.Increment(ref _epoch);

        public void Touch(long now) => Volatile.Write(ref _lastRead, now);
    }

    private interface ISlotRefresher
    {
        /// <summary>Returns false when the whole group was dropped from the cache.</summary>
        Task<bool> RefreshAsync(SlotCacheSync sync, string groupId, string slotKey, CancellationToken cancellationToken);

        bool IsCached(SlotCache cache, string groupId, string slotKey);

        /// <summary>The cached version, 0 when nothing stored is cached (a default shown while the slot is absent).</summary>
        long CachedVersion(SlotCache cache, string groupId, string slotKey);
    }

    /// <summary>Remembers a slot's declared type without a closure per read.</summary>
    private sealed class SlotRefresher<T> : ISlotRefresher where T : class
    {
        public static readonly SlotRefresher<T> Instance = new();

        public Task<bool> RefreshAsync(SlotCacheSync sync, string groupId, string slotKey, CancellationToken cancellationToken) =>
            sync.RefreshSlotAsync<T>(groupId, slotKey, cancellationToken);

        public bool IsCached(SlotCache cache, string groupId, string slotKey) => cache.TryGet<T>(groupId, slotKey, out _);

        public long CachedVersion(SlotCache cache, string groupId, string slotKey) => cache.TryGet<T>(groupId, slotKey, out var slot) ? slot.Version : 0;
    }
}
