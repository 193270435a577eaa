namespace LiveState.Blazor.Circuits;

/// <summary>
/// The circuits of one group, one user or one watched group. Writers lock the bucket (only the registry holds one,
/// so nobody else can; a lock object per bucket would cost memory per group and user); readers take
/// <see cref="Members"/> without one and get an array that never changes (a snapshot), without allocating while
/// the bucket is unchanged.
/// </summary>
/// <remarks>
/// A small bucket (a browser's tabs, a user's devices: up to <see cref="SmallSize"/>) is a copy-on-write array, its
/// own snapshot: a join copies at most that many references. A bigger one keeps its members in a growable array with
/// an index of their positions, so that a join or a leave costs O(1) (a leave moves the last member into the hole),
/// and rebuilds the snapshot lazily: the first read after a change copies the members once, the reads after it get
/// that copy. Every reader of a G-member bucket goes on to do O(G) work (claim and render G circuits, or list them),
/// so the rebuild at most doubles a read that follows changes; 10,000 tabs joining one group cost O(1) each, plus one
/// O(G) copy per read of the group between them (presence renders are coalesced per group and time window).
/// </remarks>
internal sealed class CircuitBucket
{
    /// <summary>Up to this many members the bucket stays copy-on-write.</summary>
    internal const int SmallSize = 16;

    private LiveCircuit[]? _snapshot = []; // what readers get; null while a big bucket changed since its last read
    private LiveCircuit[]? _members; // under the lock, once big: the members in the first _count slots
    private Dictionary<LiveCircuit, int>? _positions; // under the lock, once big: each member's slot in _members
    private int _count;

    /// <summary>How many circuits the bucket holds now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Emptied and unlinked from its index: a writer that finds it dead fetches or creates the live one.</summary>
    public bool Dead { get; private set; }

    /// <summary>The members: an array that never changes. Never mutate it.</summary>
    public LiveCircuit[] Members => Volatile.Read(ref _snapshot) ?? Rebuild();

    /// <summary>Adds a circuit, unless the bucket is dead or holds <paramref name="max"/> already (0: no limit).</summary>
    public AddResult TryAdd(LiveCircuit circuit, int max)
    {
        lock (this)
        {
            if (Dead)
            {
                return AddResult.Dead;
            }

            if (max > 0 && _count >= max)
            {
                return AddResult.Full;
            }

            if (_members is null && _count < SmallSize)
            {
                Volatile.Write(ref _snapshot, [.. _snapshot!, circuit]);
            }
            else
            {
                AddBig(circuit);
            }

            Volatile.Write(ref _count, _count + 1);
            return AddResult.Added;
        }
    }

    /// <summary>Removes a circuit; true when that left the bucket empty, in which case it is now dead.</summary>
    public bool Remove(LiveCircuit circuit)
    {
        lock (this)
        {
            if (_members is null)
            {
                var items = _snapshot!;
                var at = Array.IndexOf(items, circuit);
                if (at < 0)
                {
                    return false;
                }

                var next = new LiveCircuit[items.Length - 1];
                Array.Copy(items, 0, next, 0, at);
                Array.Copy(items, at + 1, next, at, items.Length - at - 1);
                Volatile.Write(ref _snapshot, next);
            }
            else
            {
                if (!_positions!.Remove(circuit, out var at))
                {
                    return false;
                }

                // The last member fills the hole; readers hold snapshots, never this array.
                var last = _count - 1;
                if (at != last)
                {
                    var moved = _members[last];
                    _members[at] = moved;
                    _positions[moved] = at;
                }

                _members[last] = null!;
                Volatile.Write(ref _snapshot, null);
            }

            Volatile.Write(ref _count, _count - 1);
            if (_count > 0)
            {
                return false;
            }

            Dead = true;
            Volatile.Write(ref _snapshot, []);
            return true;
        }
    }

    // Under the lock.
    private void AddBig(LiveCircuit circuit)
    {
        if (_members is null)
        {
            // Outgrew copy-on-write: from here on the members live in a growable array with their positions.
            var small = _snapshot!;
            _members = new LiveCircuit[SmallSize * 4];
            _positions = new Dictionary<LiveCircuit, int>(SmallSize * 4);
            for (var i = 0; i < small.Length; i++)
            {
                _members[i] = small[i];
                _positions[small[i]] = i;
            }
        }
        else if (_count == _members.Length)
        {
            Array.Resize(ref _members, _members.Length * 2);
        }

        _positions!.Add(circuit, _count);
        _members[_count] = circuit;
        Volatile.Write(ref _snapshot, null);
    }

    private LiveCircuit[] Rebuild()
    {
        lock (this)
        {
            // Another reader may have rebuilt it while this one waited.
            if (_snapshot is { } current)
            {
                return current;
            }

            var snapshot = _members.AsSpan(0, _count).ToArray();
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot;
        }
    }

    /// <summary>What <see cref="TryAdd"/> did.</summary>
    internal enum AddResult
    {
        Added,
        Full,
        Dead,
    }
}
