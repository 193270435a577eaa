using LiveState.Blazor.Backends;
using LiveState.Blazor.Diagnostics;

namespace LiveState.Blazor.Testing.Internal;

/// <summary>
/// Told by the library of every completed delivery (broadcasts, slot changes, presence changes), and records each in the
/// test's broadcast log with the simulated circuits that re-rendered since the delivery before it.
/// </summary>
internal sealed class RecordingObserver(LiveTestHost host) : ILiveStateObserver
{
    private readonly Lock _gate = new();
    private Dictionary<LiveTestCircuit, int> _seen = new(ReferenceEqualityComparer.Instance);

    public void OnRendered(LiveRenderEvent delivery)
    {
        List<LiveTestCircuit> rerendered;
        lock (_gate)
        {
            var now = host.RenderCounts();
            rerendered = [.. now.Where(c => c.Value > _seen.GetValueOrDefault(c.Key)).Select(c => c.Key)];
            _seen = now;
        }

        var kind = (delivery.Cause, delivery.Target) switch
        {
            (LiveRenderCause.SlotChanged, _) => LiveBroadcastKind.SlotChanged,
            (LiveRenderCause.PresenceChanged, _) => LiveBroadcastKind.PresenceChanged,
            (_, LiveTargetKind.All) => LiveBroadcastKind.All,
            (_, LiveTargetKind.Filter) => LiveBroadcastKind.Filter,
            (_, LiveTargetKind.Users) => LiveBroadcastKind.Users,
            (_, LiveTargetKind.Group) => LiveBroadcastKind.Group,
            _ => LiveBroadcastKind.Circuit,
        };
        var userIds = kind == LiveBroadcastKind.Users ? delivery.Ids : [];
        var circuitId = kind == LiveBroadcastKind.Circuit ? delivery.Ids.FirstOrDefault() : null;

        // A slot or presence change reaches the circuits whose readers re-rendered; a broadcast says what it reached.
        var reached = delivery.Cause == LiveRenderCause.Broadcast ? delivery.Reached : rerendered.Count;
        host.Log.Add(new LiveBroadcast(kind, delivery.GroupId, userIds, circuitId, delivery.ExceptCircuitId, reached, rerendered, delivery.SlotKey));
    }
}
