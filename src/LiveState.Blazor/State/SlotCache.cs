using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace LiveState.Blazor.State;

/// <summary>
/// Snapshots of slots read from a store that answers asynchronously (Redis), so that rendering never waits on the
/// network. A store that answers synchronously (in memory) never fills it. Entries are replaced only by newer
/// versions: by this server's own updates, by loads, and by other servers' changes that a backend delivers
/// (<see cref="ApplyRemote"/>). A group's entries go when no circuit here shows it any more; entries of groups no
/// circuit here shows (a prerender, a job reading a group) are bounded.
/// </summary>
internal sealed class SlotCache
{
    private static readonly ConcurrentDictionary<Type, RemoteReader> Readers = new();

    private readonly ConcurrentDictionary<(string Group, string Key), object> _slots = new();
    private readonly ConcurrentDictionary<(string Group, string Key), byte> _loading = new();
    private readonly ConcurrentDictionary<(string Group, string Key), byte> _changedWhileLoading = new();
    private readonly ConcurrentQueue<(string Group, string Key)> _unshown = new();
    private readonly ConcurrentDictionary<(string Group, string Key), Dictionary<Circuits.LiveCircuit, long>> _askers = new();

    // Set by the first load and never reset. A store that answers synchronously (in memory) never loads, so reads and
    // updates skip the dictionaries without asking them (ConcurrentDictionary.IsEmpty takes every lock when empty).
    private volatile bool _used;

    /// <summary>The most entries kept for groups no circuit here shows; past it the oldest go. Default 10,000.</summary>
    internal int MaxUnshownEntries { get; set; } = 10_000;

    public int Count => _slots.Count;

    /// <summary>Whether a load of the slot is in flight (for tests).</summary>
    internal bool IsLoading(string groupId, string key) => _loading.ContainsKey((groupId, key));

    public bool TryGet<T>(string groupId, string key, [NotNullWhen(true)] out SessionGroupSlot<T>? slot) where T : class
    {
        if (_used && _slots.TryGetValue((groupId, key), out var entry) && entry is SessionGroupSlot<T> typed)
        {
            slot = typed;
            return true;
        }

        slot = null;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="slot"/> if this cache follows the slot (holds an older version of it, or is loading it) and
    /// holds nothing newer.
    /// </summary>
    public void Offer<T>(string groupId, string key, SessionGroupSlot<T> slot) where T : class
    {
        if (!_used)
        {
            return;
        }

        // A load in flight may have read an older version before this one was written: keep the newer one, and the load
        // (which keeps whatever is newest) cannot put the older one back.
        if (_loading.ContainsKey((groupId, key)))
        {
            _slots.AddOrUpdate((groupId, key), slot, (_, existing) => existing is SessionGroupSlot<T> old && old.Version >= slot.Version ? existing : slot);
            return;
        }

        while (_slots.TryGetValue((groupId, key), out var existing))
        {
            if (existing is SessionGroupSlot<T> old && old.Version >= slot.Version)
            {
                return;
            }

            if (_slots.TryUpdate((groupId, key), slot, existing))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Another server changed a slot (<paramref name="key"/> null: every slot of the group). With the new value in
    /// <paramref name="payload"/>, a cached older version is replaced by it, without a read; without one, the cached copy
    /// goes and the next render loads it. A load in flight is repeated once it completes, so it cannot settle on what it
    /// read before the change.
    /// </summary>
    public void ApplyRemote(string groupId, string? key, long version, ReadOnlyMemory<byte> payload, JsonSerializerOptions json)
    {
        if (key is null)
        {
            Forget(groupId);
            return;
        }

        if (_loading.ContainsKey((groupId, key)))
        {
            _changedWhileLoading[(groupId, key)] = 0;
        }

        if (!_slots.TryGetValue((groupId, key), out var existing))
        {
            return;
        }

        if (payload.IsEmpty || version <= 0)
        {
            _slots.TryRemove(new KeyValuePair<(string, string), object>((groupId, key), existing));
            return;
        }

        var reader = Readers.GetOrAdd(existing.GetType(), static type => RemoteReader.For(type));
        if (reader.Version(existing) >= version)
        {
            return;
        }

        object fresh;
        try
        {
            fresh = reader.Read(payload, version, json);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Written by another version, or unreadable: drop it; the next render reads it from the store.
            _slots.TryRemove(new KeyValuePair<(string, string), object>((groupId, key), existing));
            return;
        }

        while (_slots.TryGetValue((groupId, key), out var current))
        {
            if (reader.Version(current) >= version || _slots.TryUpdate((groupId, key), fresh, current))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Loads a slot that a render asked for, then re-renders its readers on this server (members of the group and
    /// circuits watching it) and the circuits whose renders asked for it (<paramref name="asker"/>); nothing else. A
    /// prerender has no circuit to re-render: what it loads is kept only if the slot exists (the tab's circuit, connecting
    /// next, reads it at once), so a page load for a group without state (a first visit without a cookie) leaves nothing
    /// behind. Loads are once per slot and server at a time; askers that come while one is in flight get the next one,
    /// which starts when it completes.
    /// </summary>
    /// <param name="groupId">The group.</param>
    /// <param name="key">The slot's key.</param>
    /// <param name="first">The read the render started.</param>
    /// <param name="again">Reads it again (when it changed elsewhere while the read was in flight).</param>
    /// <param name="asker">The circuit whose render asked, or null (a prerender, code outside a render).</param>
    /// <param name="known">The version the asker rendered (0: none, the slot's default).</param>
    /// <param name="localBroadcaster">Renders the readers here.</param>
    /// <param name="localCircuits">This server's circuits.</param>
    public void LoadInBackground<T>(string groupId, string key, Func<Task<SessionGroupSlot<T>?>> first, Func<Task<SessionGroupSlot<T>?>> again, Circuits.LiveCircuit? asker, long known, Broadcasting.Broadcaster localBroadcaster, Circuits.CircuitRegistry localCircuits) where T : class, new()
    {
        _used = true;
        if (asker is not null)
        {
            AddAsker(groupId, key, asker, known);
        }

        StartLoad(groupId, key, first, again, asker, localBroadcaster, localCircuits);
    }

    /// <summary>
    /// Starts a load unless one is in flight. A load answers the askers waiting when it starts; those that come while it
    /// is in flight wait for the next, which it starts when it completes: the read in flight may have been made before
    /// what they were rendered for was written (another server's update), so its answer is not theirs.
    /// </summary>
    private void StartLoad<T>(string groupId, string key, Func<Task<SessionGroupSlot<T>?>>? first, Func<Task<SessionGroupSlot<T>?>> again, Circuits.LiveCircuit? starter, Broadcasting.Broadcaster localBroadcaster, Circuits.CircuitRegistry localCircuits) where T : class, new()
    {
        if (!_loading.TryAdd((groupId, key), 0))
        {
            return;
        }

        var askers = TakeAskers(groupId, key);

        // The read the starting render made answers it; another asker waiting (one that came while the previous load was
        // completing) may have asked after that read was made, so it reads again.
        var onlyStarter = askers.Count == 0 || (askers.Count == 1 && starter is not null && askers.ContainsKey(starter));
        Task<SessionGroupSlot<T>?> read;
        try
        {
            read = first is not null && onlyStarter ? first() : again();
        }
        catch (Exception)
        {
            _loading.TryRemove((groupId, key), out _);
            return;
        }

        _ = CompleteAsync(read);

        async Task CompleteAsync(Task<SessionGroupSlot<T>?> read)
        {
            try
            {
                // Never continue on the thread that asked: that is a render (Get is called while rendering), and the
                // notification below renders circuits inline, so a read that completed meanwhile would render circuits
                // (the asking one among them) inside that render, before it has returned its default value.
                var loaded = await read.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                for (var attempt = 0; _changedWhileLoading.TryRemove((groupId, key), out _) && attempt < 5; attempt++)
                {
                    // Changed elsewhere while the read was in flight: what it read may be older than the change.
                    loaded = await again().ConfigureAwait(false);
                }

                var shown = IsShown(localCircuits, groupId);
                if (loaded is not null || shown)
                {
                    var slot = loaded ?? new SessionGroupSlot<T>(new T(), 0);
                    var added = false;
                    _slots.AddOrUpdate(
                        (groupId, key),
                        _ =>
                        {
                            added = true;
                            return slot;
                        },
                        (_, existing) => existing is SessionGroupSlot<T> old && old.Version >= slot.Version ? existing : slot);
                    if (added && !shown)
                    {
                        Bound(groupId, key, localCircuits);
                    }
                }

                if (shown)
                {
                    _ = await localBroadcaster.NotifyAsync(Circuits.LiveChange.Slot(groupId, key)).ConfigureAwait(false);
                }

                // The circuits that asked and rendered something older than what arrived: re-render them (their readers
                // of this group do not all say so; a component may read any group by id).
                var version = loaded?.Version ?? 0;
                foreach (var (circuit, rendered) in askers)
                {
                    if (version > rendered)
                    {
                        _ = await localBroadcaster.BroadcastToCircuitAsync(circuit.Id).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception)
            {
                // The store logs its own failures; the next render asks again.
            }
            finally
            {
                _loading.TryRemove((groupId, key), out _);

                // Askers that came while this load was in flight (a render it caused among them) get a read of their own.
                if (_askers.ContainsKey((groupId, key)))
                {
                    StartLoad(groupId, key, first: null, again, starter: null, localBroadcaster, localCircuits);
                }
            }
        }
    }

    /// <summary>Whether a circuit here shows <paramref name="groupId"/> (is a member or watches it): then this server hears of its changes.</summary>
    public static bool IsShown(Circuits.CircuitRegistry circuits, string groupId) =>
        circuits.CircuitsOfGroup(groupId).Length > 0 || circuits.CircuitsWatching(groupId).Length > 0;

    /// <summary>Notes that <paramref name="asker"/> rendered version <paramref name="known"/> of the slot and waits for newer.</summary>
    private void AddAsker(string groupId, string key, Circuits.LiveCircuit asker, long known)
    {
        while (true)
        {
            var askers = _askers.GetOrAdd((groupId, key), static _ => []);
            lock (askers)
            {
                // Taken by a load meanwhile: that load may have read before this ask; wait for the next one.
                if (!_askers.TryGetValue((groupId, key), out var current) || !ReferenceEquals(current, askers))
                {
                    continue;
                }

                // A circuit's renders run one at a time: its last ask says what it shows.
                askers[asker] = known;
                return;
            }
        }
    }

    private Dictionary<Circuits.LiveCircuit, long> TakeAskers(string groupId, string key)
    {
        if (!_askers.TryGetValue((groupId, key), out var askers))
        {
            return [];
        }

        lock (askers)
        {
            // Removed under the list's lock: an asker holding it either added before (and is taken) or sees it gone.
            _askers.TryRemove(new KeyValuePair<(string, string), Dictionary<Circuits.LiveCircuit, long>>((groupId, key), askers));
            return askers;
        }
    }

    /// <summary>Drops every cached slot of a group (deleted, changed elsewhere, or no longer rendered here).</summary>
    public void Forget(string groupId)
    {
        if (!_used)
        {
            return;
        }

        foreach (var entry in _slots)
        {
            if (entry.Key.Group == groupId)
            {
                _slots.TryRemove(entry.Key, out _);
            }
        }

        foreach (var loading in _loading)
        {
            if (loading.Key.Group == groupId)
            {
                _changedWhileLoading[loading.Key] = 0;
            }
        }
    }

    /// <summary>Keeps the entries of groups no circuit here shows within <see cref="MaxUnshownEntries"/>, oldest out first.</summary>
    private void Bound(string groupId, string key, Circuits.CircuitRegistry circuits)
    {
        _unshown.Enqueue((groupId, key));
        while (_unshown.Count > MaxUnshownEntries && _unshown.TryDequeue(out var oldest))
        {
            // Shown since (its tab connected): it stays, and goes when the last circuit showing it closes.
            if (!IsShown(circuits, oldest.Group))
            {
                _slots.TryRemove(oldest, out _);
            }
        }
    }

    /// <summary>Reads a <see cref="SessionGroupSlot{T}"/> of a type known only at run time (the cached entry's).</summary>
    private abstract class RemoteReader
    {
        public static RemoteReader For(Type slotType) =>
            (RemoteReader)Activator.CreateInstance(typeof(TypedReader<>).MakeGenericType(slotType.GetGenericArguments()[0]))!;

        public abstract long Version(object slot);

        public abstract object Read(ReadOnlyMemory<byte> payload, long version, JsonSerializerOptions json);

        private sealed class TypedReader<T> : RemoteReader where T : class
        {
            public override long Version(object slot) => slot is SessionGroupSlot<T> typed ? typed.Version : long.MaxValue;

            public override object Read(ReadOnlyMemory<byte> payload, long version, JsonSerializerOptions json) =>
                new SessionGroupSlot<T>(JsonSerializer.Deserialize<T>(payload.Span, json) ?? throw new JsonException("The slot's payload is null."), version);
        }
    }
}
