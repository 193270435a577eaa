using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// The cluster's <see cref="ILiveBroadcaster"/>: delivers to this server's circuits directly (through the core's
/// <see cref="Broadcaster"/>, never round-tripped through Redis) and publishes the broadcast once on the app's
/// channel for the other servers to deliver to theirs.
/// </summary>
/// <remarks>
/// Each method returns the circuits reached here, as the core counts them, plus the matching circuits on other
/// servers as this server's presence view lists them when the message was published (none when publishing failed).
/// The remote part is a best-effort count of circuits that were sent the broadcast, not a confirmation that they
/// rendered. A filtered broadcast is decided here, over the whole cluster's presence, and sent to the matching
/// circuits by id, so it reaches only the circuits presence knew of when it was sent.
/// </remarks>
internal sealed class RedisBroadcaster : ILiveBroadcaster
{
    private readonly Broadcaster _local;
    private readonly CircuitRegistry _localRegistry;
    private readonly RemotePresence _remote;
    private readonly BackplanePublisher _publisher;
    private readonly ServerIdentity _server;

    public RedisBroadcaster(Broadcaster local, CircuitRegistry localRegistry, RemotePresence remote, BackplanePublisher publisher, ServerIdentity server)
    {
        _local = local;
        _localRegistry = localRegistry;
        _remote = remote;
        _publisher = publisher;
        _server = server;
    }

    public async ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var local = _local.BroadcastAsync(filter, exceptCircuitId, cancellationToken);
        List<string>? matches = null;
        foreach (var circuit in _remote.All)
        {
            if (!string.Equals(circuit.CircuitId, exceptCircuitId, StringComparison.Ordinal) && filter(circuit))
            {
                (matches ??= []).Add(circuit.CircuitId);
            }
        }

        var remote = 0;
        if (matches is not null && await PublishAsync(MessageKind.Circuits, [.. matches], exceptCircuitId).ConfigureAwait(false))
        {
            remote = matches.Count;
        }

        return await local.ConfigureAwait(false) + remote;
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

        var local = _local.BroadcastToUsersAsync(distinct, exceptCircuitId, cancellationToken);
        var remote = 0;
        foreach (var userId in distinct)
        {
            remote += CountExcept(_remote.CircuitsOfUser(userId), exceptCircuitId);
        }

        if (!await PublishAsync(MessageKind.Users, [.. distinct], exceptCircuitId).ConfigureAwait(false))
        {
            remote = 0;
        }

        return await local.ConfigureAwait(false) + remote;
    }

    public async ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var local = _local.BroadcastToGroupAsync(groupId, exceptCircuitId, cancellationToken);
        var remote = CountExcept(_remote.CircuitsOfGroup(groupId), exceptCircuitId);

        // Published even when presence knows no circuit of the group elsewhere: other servers may cache its state.
        if (!await PublishAsync(MessageKind.Group, [groupId], exceptCircuitId).ConfigureAwait(false))
        {
            remote = 0;
        }

        return await local.ConfigureAwait(false) + remote;
    }

    public async ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var local = _local.BroadcastToAllAsync(exceptCircuitId, cancellationToken);
        var remote = _remote.Count - (exceptCircuitId is not null && _remote.Find(exceptCircuitId) is not null ? 1 : 0);
        if (!await PublishAsync(MessageKind.All, null, exceptCircuitId).ConfigureAwait(false))
        {
            remote = 0;
        }

        return await local.ConfigureAwait(false) + remote;
    }

    public async ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        if (_localRegistry.FindCircuit(circuitId) is not null)
        {
            return await _local.BroadcastToCircuitAsync(circuitId, cancellationToken).ConfigureAwait(false);
        }

        // Not here: published even if presence has not heard of it yet (it may have just opened elsewhere).
        var known = _remote.Find(circuitId) is not null;
        return await PublishAsync(MessageKind.Circuits, [circuitId], exceptCircuitId: null).ConfigureAwait(false) && known ? 1 : 0;
    }

    private ValueTask<bool> PublishAsync(MessageKind kind, string[]? targets, string? exceptCircuitId) =>
        _publisher.PublishAsync(new BackplaneMessage { Server = _server.Id, Kind = kind, Targets = targets, Except = exceptCircuitId });

    private static int CountExcept(LiveCircuitInfo[] circuits, string? exceptCircuitId)
    {
        if (exceptCircuitId is null)
        {
            return circuits.Length;
        }

        var count = 0;
        foreach (var circuit in circuits)
        {
            if (!string.Equals(circuit.CircuitId, exceptCircuitId, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }
}
