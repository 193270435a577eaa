using LiveState.Blazor.Broadcasting;

namespace LiveState.Blazor.Testing.Internal;

/// <summary>
/// Stands in front of the library's real change notifier: every slot and presence change is delivered by it, unchanged,
/// and then recorded with the simulated circuits that re-rendered while it was delivered.
/// </summary>
internal sealed class RecordingChangeNotifier(LocalChangeNotifier inner, LiveTestHost host) : IChangeNotifier
{
    public async ValueTask SlotChangedAsync(string groupId, string? slotKey, CancellationToken cancellationToken = default)
    {
        var before = host.RenderCounts();
        await inner.SlotChangedAsync(groupId, slotKey, cancellationToken).ConfigureAwait(false);
        Record(LiveBroadcastKind.SlotChanged, groupId, slotKey, before);
    }

    public async ValueTask PresenceChangedAsync(string groupId)
    {
        var before = host.RenderCounts();
        await inner.PresenceChangedAsync(groupId).ConfigureAwait(false);
        Record(LiveBroadcastKind.PresenceChanged, groupId, slotKey: null, before);
    }

    private void Record(LiveBroadcastKind kind, string groupId, string? slotKey, Dictionary<LiveTestCircuit, int> before)
    {
        var rerendered = host.RerenderedSince(before);
        host.Log.Add(new LiveBroadcast(kind, groupId, [], circuitId: null, exceptCircuitId: null, rerendered.Count, rerendered, slotKey));
    }
}
