using LiveState.Blazor.Backends;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Diagnostics;

/// <summary>The app's <see cref="ILiveBroadcaster"/> when <see cref="ILiveStateObserver"/>s are registered: each completed broadcast is told to them.</summary>
internal sealed class ObservedBroadcaster(ILiveBroadcaster inner, ILiveStateObserver[] observers, TimeProvider time, ILogger<ObservedBroadcaster> logger) : ILiveBroadcaster
{
    public ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default) =>
        ObserveAsync(time.GetTimestamp(), inner.BroadcastAsync(filter, exceptCircuitId, cancellationToken), LiveTargetKind.Filter, null, [], exceptCircuitId);

    public ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        string[] ids = [.. userIds];
        return ObserveAsync(time.GetTimestamp(), inner.BroadcastToUsersAsync(ids, exceptCircuitId, cancellationToken), LiveTargetKind.Users, null, ids, exceptCircuitId);
    }

    public ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default) =>
        ObserveAsync(time.GetTimestamp(), inner.BroadcastToGroupAsync(groupId, exceptCircuitId, cancellationToken), LiveTargetKind.Group, groupId, [], exceptCircuitId);

    public ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default) =>
        ObserveAsync(time.GetTimestamp(), inner.BroadcastToAllAsync(exceptCircuitId, cancellationToken), LiveTargetKind.All, null, [], exceptCircuitId);

    public ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default) =>
        ObserveAsync(time.GetTimestamp(), inner.BroadcastToCircuitAsync(circuitId, cancellationToken), LiveTargetKind.Circuits, null, circuitId is null ? [] : [circuitId], null);

    // The timestamp is taken before the broadcast is started (arguments run left to right): the caller renders the first
    // circuits itself, before the ValueTask is returned.
    private async ValueTask<int> ObserveAsync(long started, ValueTask<int> delivery, LiveTargetKind target, string? groupId, IReadOnlyList<string> ids, string? except)
    {
        var reached = await delivery.ConfigureAwait(false);
        var observed = new LiveRenderEvent(LiveRenderCause.Broadcast, groupId, null, target, ids, except, reached, time.GetElapsedTime(started));
        foreach (var observer in observers)
        {
            try
            {
                observer.OnRendered(observed);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(logger, observer.GetType().Name, ex);
            }
        }

        return reached;
    }
}
