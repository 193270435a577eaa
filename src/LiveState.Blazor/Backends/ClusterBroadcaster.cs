using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Backends;

/// <summary>
/// <see cref="ILiveBroadcaster"/> with a backend: delivers to this server's circuits directly (never round-tripped
/// through the backend) and hands the broadcast to the backend for the other servers. Each method returns the circuits
/// reached here plus what the backend says it targeted elsewhere.
/// </summary>
internal sealed class ClusterBroadcaster(Broadcaster local, CircuitRegistry circuits, LiveStateBackend backend) : ILiveBroadcaster
{
    public async ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var here = local.BroadcastAsync(filter, exceptCircuitId, cancellationToken);
        var there = await backend.PublishAsync(LiveMessage.BroadcastToFilter(filter, exceptCircuitId), cancellationToken).ConfigureAwait(false);
        return await here.ConfigureAwait(false) + there;
    }

    public async ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var distinct = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var userId in userIds)
        {
            ArgumentNullException.ThrowIfNull(userId, nameof(userIds));
            if (seen.Add(userId))
            {
                distinct.Add(userId);
            }
        }

        if (distinct.Count == 0)
        {
            return 0;
        }

        var here = local.BroadcastToUsersAsync(distinct, exceptCircuitId, cancellationToken);
        var there = await backend.PublishAsync(LiveMessage.BroadcastToUsers(distinct, exceptCircuitId), cancellationToken).ConfigureAwait(false);
        return await here.ConfigureAwait(false) + there;
    }

    public async ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var here = local.BroadcastToGroupAsync(groupId, exceptCircuitId, cancellationToken);
        var there = await backend.PublishAsync(LiveMessage.BroadcastToGroup(groupId, exceptCircuitId), cancellationToken).ConfigureAwait(false);
        return await here.ConfigureAwait(false) + there;
    }

    public async ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var here = local.BroadcastToAllAsync(exceptCircuitId, cancellationToken);
        var there = await backend.PublishAsync(LiveMessage.BroadcastToAll(exceptCircuitId), cancellationToken).ConfigureAwait(false);
        return await here.ConfigureAwait(false) + there;
    }

    public async ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        if (circuits.FindCircuit(circuitId) is not null)
        {
            return await local.BroadcastToCircuitAsync(circuitId, cancellationToken).ConfigureAwait(false);
        }

        return await backend.PublishAsync(LiveMessage.BroadcastToCircuits([circuitId]), cancellationToken).ConfigureAwait(false);
    }
}
