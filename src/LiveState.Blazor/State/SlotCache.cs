using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace LiveState.Blazor.State;

/// <summary>
/// Snapshots of slots read from a store that answers asynchronously (Redis), so that rendering never waits on
/// the network. A store that answers synchronously (in memory) never fills it. Entries are replaced only by
/// newer versions; a store that learns of remote changes calls <see cref="Forget"/>.
/// </summary>
internal sealed class SlotCache
{
    private readonly ConcurrentDictionary<(string Group, string Key), object> _slots = new();
    private readonly ConcurrentDictionary<(string Group, string Key), Task> _loading = new();

    public int Count => _slots.Count;

    public bool TryGet<T>(string groupId, string key, [NotNullWhen(true)] out SessionGroupSlot<T>? slot) where T : class
    {
        if (!_slots.IsEmpty && _slots.TryGetValue((groupId, key), out var entry) && entry is SessionGroupSlot<T> typed)
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
        if (_slots.IsEmpty && _loading.IsEmpty)
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
    /// Loads a slot that a render asked for, then re-renders the readers of that slot on this server (members of the
    /// group and circuits watching it); nothing else. A prerender has no circuit to re-render: what it loads is kept
    /// only if the slot exists (the tab's circuit, connecting next, reads it at once), so a page load for a group
    /// without state (a first visit without a cookie) leaves nothing behind. Loads are once per slot and server.
    /// </summary>
    public void LoadInBackground<T>(string groupId, string key, Task<SessionGroupSlot<T>?> read, Broadcasting.Broadcaster localBroadcaster, Circuits.CircuitRegistry localCircuits) where T : class, new()
    {
        if (!_loading.TryAdd((groupId, key), read))
        {
            return;
        }

        _ = CompleteAsync();

        async Task CompleteAsync()
        {
            try
            {
                // Never continue on the thread that asked: that is a render (Get is called while rendering), and the
                // notification below renders circuits inline, so a read that completed meanwhile would render circuits
                // (the asking one among them) inside that render, before it has even returned its default value.
                var loaded = await read.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
                var shown = localCircuits.CircuitsOfGroup(groupId).Length > 0 || localCircuits.CircuitsWatching(groupId).Length > 0;
                if (loaded is null && !shown)
                {
                    return;
                }

                var slot = loaded ?? new SessionGroupSlot<T>(new T(), 0);
                _slots.AddOrUpdate((groupId, key), slot, (_, existing) => existing is SessionGroupSlot<T> old && old.Version >= slot.Version ? existing : slot);
                if (shown)
                {
                    _ = await localBroadcaster.NotifyAsync(Circuits.LiveChange.Slot(groupId, key)).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // The store logs its own failures; the next render asks again.
            }
            finally
            {
                _loading.TryRemove((groupId, key), out _);
            }
        }
    }

    /// <summary>Drops every cached slot of a group (deleted, changed elsewhere, or no longer rendered here).</summary>
    public void Forget(string groupId)
    {
        if (_slots.IsEmpty)
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
    }
}
