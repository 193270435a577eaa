using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.State;

/// <summary>
/// The default store: slots held in memory. Reads are lock-free; updates of one group take that group's lock,
/// so the update function runs exactly once. Groups with no circuits are evicted when idle and when the
/// number of groups passes <see cref="LiveStateOptions.MaxGroups"/>, oldest-idle first.
/// </summary>
internal sealed class InMemorySessionGroupStore : ISessionGroupStore, IIdleGroupEvictor
{
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly ILiveCircuitRegistry _registry;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _evictionGate = new();
    private readonly bool _systemClock;
    private int _count;

    public InMemorySessionGroupStore(ILiveCircuitRegistry registry, IOptionsMonitor<LiveStateOptions> options, TimeProvider time, ILogger<InMemorySessionGroupStore> logger)
    {
        _registry = registry;
        _options = options;
        _time = time;
        _logger = logger;
        _systemClock = ReferenceEquals(time, TimeProvider.System);
    }

    /// <summary>The number of groups held.</summary>
    public int Count => Volatile.Read(ref _count);

    public ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(slotKey);
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return ValueTask.FromResult<SessionGroupSlot<T>?>(null);
        }

        TouchOnRead(group);
        return ValueTask.FromResult(group.Find(slotKey) switch
        {
            null => null,
            SessionGroupSlot<T> slot => slot,
            var other => throw SlotTypeMismatch<T>(groupId, slotKey, other),
        });
    }

    public ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentException.ThrowIfNullOrEmpty(slotKey);
        ArgumentNullException.ThrowIfNull(update);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            var group = GetOrCreate(groupId);
            lock (group)
            {
                // Evicted between lookup and lock: start over on the live entry.
                if (group.Evicted)
                {
                    continue;
                }

                var current = group.Find(slotKey) switch
                {
                    null => null,
                    SessionGroupSlot<T> slot => slot,
                    var other => throw SlotTypeMismatch<T>(groupId, slotKey, other),
                };
                var value = update(current?.Value) ?? throw new InvalidOperationException($"The update of slot '{slotKey}' returned null.");
                var next = new SessionGroupSlot<T>(value, (current?.Version ?? 0) + 1);
                group.Set(slotKey, next);
                group.Touch(Now);
                return ValueTask.FromResult(next);
            }
        }
    }

    public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return ValueTask.FromResult(_groups.TryGetValue(groupId, out var group) && Evict(groupId, group, onlyIfIdleBefore: null));
    }

    public async IAsyncEnumerable<string> ListGroupsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var pair in _groups)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return pair.Key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>The slots a group holds (key and <see cref="SessionGroupSlot{T}"/>), without touching it; empty if none.</summary>
    internal IReadOnlyList<(string Key, object Slot)> SlotsOf(string groupId) =>
        _groups.TryGetValue(groupId, out var group) ? group.Slots : [];

    /// <summary>Evicts groups without circuits that were last touched before <paramref name="idleBefore"/>.</summary>
    public int EvictIdle(DateTimeOffset idleBefore)
    {
        var cutoff = idleBefore.UtcTicks;
        var evicted = 0;
        foreach (var pair in _groups)
        {
            if (pair.Value.LastTouched < cutoff && _registry.CountGroup(pair.Key) == 0 && Evict(pair.Key, pair.Value, cutoff))
            {
                evicted++;
            }
        }

        return evicted;
    }

    private long Now => _time.GetUtcNow().UtcTicks;

    /// <summary>
    /// A read keeps its group from idling out. With the system clock a group's timestamp is refreshed by reads at most
    /// once a second (<see cref="Environment.TickCount64"/>, a coarse clock that costs a few nanoseconds, decides), so
    /// a render's reads pay neither the precise clock nor a shared write each; eviction errs by a second at most. With
    /// any other clock (a test's) every read touches.
    /// </summary>
    private void TouchOnRead(Group group)
    {
        if (_systemClock)
        {
            var tick = Environment.TickCount64;
            if (tick - group.ReadTick < 1000)
            {
                return;
            }

            group.ReadTick = tick;
        }

        group.Touch(Now);
    }

    private Group GetOrCreate(string groupId)
    {
        if (_groups.TryGetValue(groupId, out var existing))
        {
            return existing;
        }

        var created = new Group(Now);
        var group = _groups.GetOrAdd(groupId, created);
        if (ReferenceEquals(group, created) && Interlocked.Increment(ref _count) > _options.CurrentValue.MaxGroups)
        {
            EvictOverCap(keep: groupId);
        }

        return group;
    }

    private bool Evict(string groupId, Group group, long? onlyIfIdleBefore)
    {
        lock (group)
        {
            if (group.Evicted || (onlyIfIdleBefore is { } cutoff && group.LastTouched >= cutoff))
            {
                return false;
            }

            group.Evicted = true;
        }

        if (_groups.TryRemove(new KeyValuePair<string, Group>(groupId, group)))
        {
            Interlocked.Decrement(ref _count);
        }

        return true;
    }

    /// <summary>
    /// Past the cap, evicts the oldest idle groups without circuits: a batch of 1% of the cap at a time, so the
    /// scan is paid once per many new groups rather than once per group.
    /// </summary>
    private void EvictOverCap(string keep)
    {
        if (!_evictionGate.TryEnter())
        {
            return;
        }

        try
        {
            var cap = _options.CurrentValue.MaxGroups;
            var excess = Count - cap;
            if (excess <= 0)
            {
                return;
            }

            var batch = Math.Max(excess, Math.Max(1, cap / 100));

            // A max-heap on last-touched time keeps the `batch` oldest candidates.
            var oldest = new PriorityQueue<(string Id, Group Group), long>(batch + 1, Comparer<long>.Create(static (a, b) => b.CompareTo(a)));
            foreach (var pair in _groups)
            {
                if (pair.Key == keep || _registry.CountGroup(pair.Key) > 0)
                {
                    continue;
                }

                oldest.Enqueue((pair.Key, pair.Value), pair.Value.LastTouched);
                if (oldest.Count > batch)
                {
                    oldest.Dequeue();
                }
            }

            var evicted = 0;
            while (oldest.TryDequeue(out var candidate, out _))
            {
                if (Evict(candidate.Id, candidate.Group, onlyIfIdleBefore: null))
                {
                    evicted++;
                }
            }

            Log.GroupsEvictedOverCap(_logger, evicted, cap);
        }
        finally
        {
            _evictionGate.Exit();
        }
    }

    private static InvalidOperationException SlotTypeMismatch<T>(string groupId, string slotKey, object stored) =>
        new($"Slot '{slotKey}' of group '{LiveIdentity.Redact(groupId)}' holds {stored.GetType().GenericTypeArguments.FirstOrDefault()}, not {typeof(T)}.");

    /// <summary>One group's slots: a tiny copy-on-write array, read without locks.</summary>
    private sealed class Group
    {
        private (string Key, object Slot)[] _slots = [];
        private long _lastTouched;

        public Group(long now) => _lastTouched = now;

        public bool Evicted { get; set; }

        /// <summary>When a read last refreshed <see cref="LastTouched"/> (<see cref="Environment.TickCount64"/>; system clock only).</summary>
        public long ReadTick { get; set; } = long.MinValue / 2;

        public long LastTouched => Volatile.Read(ref _lastTouched);

        public void Touch(long now) => Volatile.Write(ref _lastTouched, now);

        public (string Key, object Slot)[] Slots => Volatile.Read(ref _slots);

        public object? Find(string key)
        {
            foreach (var (k, slot) in Volatile.Read(ref _slots))
            {
                if (string.Equals(k, key, StringComparison.Ordinal))
                {
                    return slot;
                }
            }

            return null;
        }

        // Called under the group's lock.
        public void Set(string key, object slot)
        {
            var slots = _slots;
            for (var i = 0; i < slots.Length; i++)
            {
                if (string.Equals(slots[i].Key, key, StringComparison.Ordinal))
                {
                    var copy = ((string, object)[])slots.Clone();
                    copy[i] = (key, slot);
                    Volatile.Write(ref _slots, copy);
                    return;
                }
            }

            Volatile.Write(ref _slots, [.. slots, (key, slot)]);
        }
    }
}

/// <summary>A store that evicts idle groups itself (the in-memory one); stores with their own expiry need not.</summary>
internal interface IIdleGroupEvictor
{
    int EvictIdle(DateTimeOffset idleBefore);
}
