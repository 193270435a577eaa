using System.Collections.Concurrent;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Circuits;

/// <summary>
/// The circuits of this server, indexed by circuit id, group id and user id, and by the groups their components
/// watch without being members (a page showing another group's state). Group and user buckets
/// (<see cref="CircuitBucket"/>) give readers snapshots without allocating, and take a join or a leave in O(1) however
/// big the group. A list in registration order serves broadcasts to every circuit: a plain array walk, in the order
/// the circuits (and so, mostly, their components) were allocated.
/// </summary>
/// <remarks>
/// Every transition of a circuit (open, drop, reconnect, move, close) happens under the circuit's
/// <see cref="LiveCircuit.Gate"/>, which also puts its <see cref="Changed"/> event in line: the events of one circuit
/// are raised one at a time, in the order of its transitions (Opened first, Closed last, nothing after Closed), never
/// under a lock. When a circuit changes while another thread is still raising its previous change, the later change
/// is raised by that thread once the handlers are done with the earlier one, so the call that made it may return
/// before its event was raised. Events of different circuits may be raised concurrently.
/// </remarks>
internal sealed class CircuitRegistry : ILiveCircuitRegistry
{
    private readonly ConcurrentDictionary<string, LiveCircuit> _byCircuit = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBucket> _byGroup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBucket> _byUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBucket> _byWatchedGroup = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _orderGate = new();
    private LiveCircuit[] _ordered = new LiveCircuit[16]; // under _orderGate; slots below _orderedCount are never rewritten
    private int _orderedCount; // under _orderGate
    private int _orderedRemoved; // under _orderGate: removed circuits still in _ordered
    private int _count;

    public CircuitRegistry(TimeProvider time, ILogger<CircuitRegistry> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// A circuit opened, dropped, reconnected, moved or closed. For one circuit, handlers hear its changes one at a
    /// time and in order; see the remarks of <see cref="CircuitRegistry"/>.
    /// </summary>
    public event EventHandler<LiveCircuitChangedEventArgs>? Changed;

    /// <summary>Raised when a circuit starts or stops watching a group by id (its components read the group without being a member).</summary>
    internal event Action<string>? WatchedGroupChanged;

    public int Count => Volatile.Read(ref _count);

    internal int GroupBucketCount => _byGroup.Count;

    internal int UserBucketCount => _byUser.Count;

    /// <summary>Registers a circuit.</summary>
    /// <param name="circuitId">The circuit id.</param>
    /// <param name="identity">Its identity.</param>
    /// <param name="maxCircuitsPerGroup">Refuse the circuit when its group already has this many here (0: no limit).</param>
    /// <exception cref="LiveStateCircuitLimitException">The group is full.</exception>
    public LiveCircuit Register(string circuitId, LiveIdentity identity, int maxCircuitsPerGroup = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(circuitId);
        ArgumentNullException.ThrowIfNull(identity);
        var circuit = new LiveCircuit(new LiveCircuitInfo(circuitId, identity, isConnected: true, _time.GetUtcNow()))
        {
            WatchChanged = OnWatchChanged,
        };
        LiveCircuitChangedEventArgs opened;
        bool report;

        // Locked before it can be found: a close racing with the open waits for it, and its event comes after Opened.
        lock (circuit.Gate)
        {
            if (!_byCircuit.TryAdd(circuitId, circuit))
            {
                throw new InvalidOperationException($"Circuit '{circuitId}' is already registered.");
            }

            // The primary group first, under its bucket's lock: concurrent opens never overfill it.
            if (!Add(_byGroup, identity.GroupId, circuit, maxCircuitsPerGroup))
            {
                circuit.Removed = true;
                _byCircuit.TryRemove(new KeyValuePair<string, LiveCircuit>(circuitId, circuit));
                throw new LiveStateCircuitLimitException(identity.GroupId, maxCircuitsPerGroup);
            }

            IndexSecondary(circuit, identity);
            Append(circuit);
            Interlocked.Increment(ref _count);
            opened = new LiveCircuitChangedEventArgs(LiveCircuitChangeKind.Opened, circuit.Info);
            report = circuit.Report(opened);
        }

        RaiseInOrder(circuit, opened, report);
        return circuit;
    }

    public LiveCircuit? Unregister(string circuitId)
    {
        if (!_byCircuit.TryRemove(circuitId, out var circuit))
        {
            return null;
        }

        LiveCircuitChangedEventArgs closed;
        bool report;
        string[] watched;
        lock (circuit.Gate)
        {
            // Refused as it opened (its group was full): it was never announced.
            if (circuit.Removed)
            {
                return null;
            }

            circuit.Removed = true;
            Unindex(circuit, circuit.Info.Identity);
            watched = circuit.Watching();
            foreach (var groupId in watched)
            {
                Remove(_byWatchedGroup, groupId, circuit);
            }

            circuit.ClearTargets();
            NoteRemoved();
            Interlocked.Decrement(ref _count);
            closed = new LiveCircuitChangedEventArgs(LiveCircuitChangeKind.Closed, circuit.Info);
            report = circuit.Report(closed);
        }

        foreach (var groupId in watched)
        {
            WatchedGroupChanged?.Invoke(groupId);
        }

        RaiseInOrder(circuit, closed, report);
        return circuit;
    }

    public LiveCircuitInfo? SetConnected(string circuitId, bool connected)
    {
        if (!_byCircuit.TryGetValue(circuitId, out var circuit))
        {
            return null;
        }

        LiveCircuitInfo info;
        LiveCircuitChangedEventArgs change;
        bool report;
        lock (circuit.Gate)
        {
            if (circuit.Removed || circuit.Info.IsConnected == connected)
            {
                return null;
            }

            info = circuit.Info = circuit.Info.With(connected);
            change = new LiveCircuitChangedEventArgs(connected ? LiveCircuitChangeKind.Reconnected : LiveCircuitChangeKind.Disconnected, info);
            report = circuit.Report(change);
        }

        RaiseInOrder(circuit, change, report);
        return info;
    }

    /// <summary>Moves a circuit to a new identity. Returns the previous identity, or null when nothing changed.</summary>
    public LiveIdentity? Move(string circuitId, LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!_byCircuit.TryGetValue(circuitId, out var circuit))
        {
            return null;
        }

        LiveIdentity previous;
        LiveCircuitChangedEventArgs moved;
        bool report;
        lock (circuit.Gate)
        {
            previous = circuit.Info.Identity;
            if (circuit.Removed || previous == identity)
            {
                return null;
            }

            Unindex(circuit, previous);
            var info = circuit.Info = circuit.Info.With(identity);
            Index(circuit, identity);
            moved = new LiveCircuitChangedEventArgs(LiveCircuitChangeKind.Moved, info, previous);
            report = circuit.Report(moved);
        }

        RaiseInOrder(circuit, moved, report);
        return previous;
    }

    public LiveCircuit? FindCircuit(string circuitId) => _byCircuit.GetValueOrDefault(circuitId);

    /// <summary>The circuits of a group, without allocating (while the group is unchanged). Never mutate the array.</summary>
    public LiveCircuit[] CircuitsOfGroup(string groupId) => _byGroup.TryGetValue(groupId, out var b) ? b.Members : [];

    /// <summary>The circuits some of whose components watch a group they are not members of. Never mutate the array.</summary>
    public LiveCircuit[] CircuitsWatching(string groupId) => _byWatchedGroup.TryGetValue(groupId, out var b) ? b.Members : [];

    /// <summary>The circuits of a user, without allocating (while the user's circuits are unchanged). Never mutate the array.</summary>
    public LiveCircuit[] CircuitsOfUser(string userId) => _byUser.TryGetValue(userId, out var b) ? b.Members : [];

    /// <summary>Every circuit, in registration order; the enumerator sees the circuits registered when it started, less those removed since.</summary>
    public IEnumerable<LiveCircuit> AllCircuits()
    {
        var (circuits, count) = AllCircuitsInOrder();
        for (var i = 0; i < count; i++)
        {
            if (!circuits[i].Removed)
            {
                yield return circuits[i];
            }
        }
    }

    /// <summary>
    /// A snapshot of every circuit in registration order: the first <c>Count</c> entries of <c>Circuits</c>, which never
    /// change. It may hold circuits removed since they were registered (<see cref="LiveCircuit.Removed"/>); skip those.
    /// Never mutate the array.
    /// </summary>
    public (LiveCircuit[] Circuits, int Count) AllCircuitsInOrder()
    {
        lock (_orderGate)
        {
            return (_ordered, _orderedCount);
        }
    }

    public LiveCircuitInfo? Find(string circuitId)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        return FindCircuit(circuitId)?.Info;
    }

    public IReadOnlyList<LiveCircuitInfo> GetCircuitsOfGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return Infos(CircuitsOfGroup(groupId));
    }

    public IReadOnlyList<LiveCircuitInfo> GetCircuitsOfUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Infos(CircuitsOfUser(userId));
    }

    public int CountGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return _byGroup.TryGetValue(groupId, out var bucket) ? bucket.Count : 0;
    }

    public int CountUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _byUser.TryGetValue(userId, out var bucket) ? bucket.Count : 0;
    }

    public IReadOnlyList<string> GetOnlineUsers() => Keys(_byUser);

    public IReadOnlyList<string> GetActiveGroups() => Keys(_byGroup);

    public IReadOnlyList<LiveCircuitInfo> GetAll()
    {
        var list = new List<LiveCircuitInfo>(Count);
        foreach (var pair in _byCircuit)
        {
            list.Add(pair.Value.Info);
        }

        return list;
    }

    private static List<string> Keys(ConcurrentDictionary<string, CircuitBucket> index)
    {
        var list = new List<string>();
        foreach (var pair in index)
        {
            if (pair.Value.Count > 0)
            {
                list.Add(pair.Key);
            }
        }

        return list;
    }

    private static LiveCircuitInfo[] Infos(LiveCircuit[] circuits)
    {
        if (circuits.Length == 0)
        {
            return [];
        }

        var infos = new LiveCircuitInfo[circuits.Length];
        for (var i = 0; i < circuits.Length; i++)
        {
            infos[i] = circuits[i].Info;
        }

        return infos;
    }

    private void Append(LiveCircuit circuit)
    {
        lock (_orderGate)
        {
            if (_orderedCount == _ordered.Length)
            {
                // A new array, so that snapshots taken before keep theirs; removed circuits are left behind.
                Compact(Math.Max(16, (_orderedCount - _orderedRemoved) * 2));
            }

            _ordered[_orderedCount++] = circuit;
        }
    }

    private void NoteRemoved()
    {
        lock (_orderGate)
        {
            // Compact once removed entries outnumber live ones: amortized constant work per removal.
            if (++_orderedRemoved > 32 && _orderedRemoved > _orderedCount / 2)
            {
                Compact(Math.Max(16, (_orderedCount - _orderedRemoved) * 2));
            }
        }
    }

    // Under _orderGate.
    private void Compact(int capacity)
    {
        var next = new LiveCircuit[capacity];
        var count = 0;
        for (var i = 0; i < _orderedCount; i++)
        {
            if (!_ordered[i].Removed)
            {
                next[count++] = _ordered[i];
            }
        }

        _ordered = next;
        _orderedCount = count;
        _orderedRemoved = 0;
    }

    private void Index(LiveCircuit circuit, LiveIdentity identity)
    {
        Add(_byGroup, identity.GroupId, circuit, max: 0);
        IndexSecondary(circuit, identity);
    }

    private void IndexSecondary(LiveCircuit circuit, LiveIdentity identity)
    {
        foreach (var membership in identity.Memberships)
        {
            Add(_byGroup, membership, circuit, max: 0);
        }

        if (identity.UserId is { } userId)
        {
            Add(_byUser, userId, circuit, max: 0);
        }
    }

    private void Unindex(LiveCircuit circuit, LiveIdentity identity)
    {
        Remove(_byGroup, identity.GroupId, circuit);
        foreach (var membership in identity.Memberships)
        {
            Remove(_byGroup, membership, circuit);
        }

        if (identity.UserId is { } userId)
        {
            Remove(_byUser, userId, circuit);
        }
    }

    /// <summary>Adds a circuit to a bucket; false (nothing added) when the bucket holds <paramref name="max"/> already (0: no limit).</summary>
    private static bool Add(ConcurrentDictionary<string, CircuitBucket> index, string key, LiveCircuit circuit, int max)
    {
        while (true)
        {
            // A bucket emptied and unlinked by a concurrent remove is dead; fetch or create the live one.
            switch (index.GetOrAdd(key, static _ => new CircuitBucket()).TryAdd(circuit, max))
            {
                case CircuitBucket.AddResult.Added:
                    return true;
                case CircuitBucket.AddResult.Full:
                    return false;
            }
        }
    }

    // Called under the circuit's gate by LiveCircuit when its targets start or stop watching a group.
    private void OnWatchChanged(LiveCircuit circuit, string groupId, bool watching)
    {
        if (circuit.Removed)
        {
            return;
        }

        if (watching)
        {
            Add(_byWatchedGroup, groupId, circuit, max: 0);
        }
        else
        {
            Remove(_byWatchedGroup, groupId, circuit);
        }

        WatchedGroupChanged?.Invoke(groupId);
    }

    private static void Remove(ConcurrentDictionary<string, CircuitBucket> index, string key, LiveCircuit circuit)
    {
        if (index.TryGetValue(key, out var bucket) && bucket.Remove(circuit))
        {
            index.TryRemove(new KeyValuePair<string, CircuitBucket>(key, bucket));
        }
    }

    /// <summary>
    /// Raises <paramref name="change"/> if <paramref name="report"/> (the caller's turn to raise this circuit's changes),
    /// then the changes of the circuit made meanwhile by other threads, in order, until none is left.
    /// </summary>
    private void RaiseInOrder(LiveCircuit circuit, LiveCircuitChangedEventArgs change, bool report)
    {
        if (!report)
        {
            return;
        }

        for (LiveCircuitChangedEventArgs? next = change; next is not null; next = circuit.NextUnreported())
        {
            Raise(next);
        }
    }

    private void Raise(LiveCircuitChangedEventArgs change) =>
        RegistryChanges.Raise(Changed, this, change, ex => Log.RegistryHandlerFailed(_logger, change.Kind, ex));
}
