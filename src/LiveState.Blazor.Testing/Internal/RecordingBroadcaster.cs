using LiveState.Blazor.Broadcasting;

namespace LiveState.Blazor.Testing.Internal;

/// <summary>
/// Stands in front of the library's real broadcaster: every broadcast is delivered by it, unchanged, and then
/// recorded with the simulated circuits that re-rendered while it was delivered.
/// </summary>
internal sealed class RecordingBroadcaster(Broadcaster inner, LiveTestHost host) : ILiveBroadcaster
{
    public ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var before = host.RenderCounts();
        return RecordAsync(new Target(LiveBroadcastKind.Filter, Except: exceptCircuitId), before, inner.BroadcastAsync(filter, exceptCircuitId, cancellationToken));
    }

    public ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        string[] list = [.. userIds];
        var before = host.RenderCounts();
        return RecordAsync(new Target(LiveBroadcastKind.Users, UserIds: list, Except: exceptCircuitId), before, inner.BroadcastToUsersAsync(list, exceptCircuitId, cancellationToken));
    }

    public ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var before = host.RenderCounts();
        return RecordAsync(new Target(LiveBroadcastKind.Group, GroupId: groupId, Except: exceptCircuitId), before, inner.BroadcastToGroupAsync(groupId, exceptCircuitId, cancellationToken));
    }

    public ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var before = host.RenderCounts();
        return RecordAsync(new Target(LiveBroadcastKind.All, Except: exceptCircuitId), before, inner.BroadcastToAllAsync(exceptCircuitId, cancellationToken));
    }

    public ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        var before = host.RenderCounts();
        return RecordAsync(new Target(LiveBroadcastKind.Circuit, CircuitId: circuitId), before, inner.BroadcastToCircuitAsync(circuitId, cancellationToken));
    }

    private async ValueTask<int> RecordAsync(Target target, Dictionary<LiveTestCircuit, int> before, ValueTask<int> delivery)
    {
        // A broadcast's task completes once every render it queued has run, so the counts now include them.
        var reached = await delivery.ConfigureAwait(false);
        var rerendered = host.RerenderedSince(before);

        host.Log.Add(new LiveBroadcast(target.Kind, target.GroupId, target.UserIds ?? [], target.CircuitId, target.Except, reached, rerendered));
        return reached;
    }

    private readonly record struct Target(LiveBroadcastKind Kind, string? GroupId = null, string[]? UserIds = null, string? CircuitId = null, string? Except = null);
}
