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

    /// <summary>Keeps <paramref name="slot"/> if this cache already follows the group and holds an older version.</summary>
    public void Offer<T>(string groupId, string key, SessionGroupSlot<T> slot) where T : class
    {
        if (_slots.IsEmpty)
        {
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
    /// Loads a slot that a render asked for, then re-renders the circuits of this server that may show it: the group's
    /// own circuits, or, when no circuit here belongs to the group (a page reading another group, such as a shared
    /// board), every circuit here. Loads are once per slot and server, so the wide case stays rare.
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
                // broadcast below renders circuits inline, so a read that completed meanwhile would render circuits
                // (the asking one among them) inside that render, before it has even returned its default value.
                var slot = await read.ConfigureAwait(ConfigureAwaitOptions.ForceYielding) ?? new SessionGroupSlot<T>(new T(), 0);
                _slots.AddOrUpdate((groupId, key), slot, (_, existing) => existing is SessionGroupSlot<T> old && old.Version >= slot.Version ? existing : slot);
                _ = localCircuits.CountGroup(groupId) > 0
                    ? await localBroadcaster.BroadcastToGroupAsync(groupId).ConfigureAwait(false)
                    : await localBroadcaster.BroadcastToAllAsync().ConfigureAwait(false);
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
