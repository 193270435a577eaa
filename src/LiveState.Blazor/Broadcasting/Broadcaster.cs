using System.Runtime.InteropServices;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Broadcasting;

/// <summary>
/// Delivers broadcasts to the circuits of this server. This part resolves a target (all, a filter, users, a group, a
/// circuit; a slot's or presence's readers) to the registry's circuits, without copying them; claiming a render is
/// <see cref="RenderClaim"/>'s, delivering it <see cref="InlineDelivery"/>'s and <see cref="Delivery"/>'s, and ending
/// a slow wait the <see cref="SlowRenderWatchdog"/>'s.
/// </summary>
internal sealed class Broadcaster : ILiveBroadcaster
{
    // Up to this many user ids are told apart by comparing them with each other instead of through a set.
    private const int SmallUserList = 16;

    private readonly CircuitRegistry _registry;
    private readonly LiveStateMetrics _metrics;
    private readonly DeliveryEngine _engine;

    public Broadcaster(
        CircuitRegistry registry,
        IOptionsMonitor<LiveStateOptions> options,
        LiveStateMetrics metrics,
        SlowRenderWatchdog watchdog,
        TimeProvider time,
        ILogger<Broadcaster> logger)
    {
        _registry = registry;
        _metrics = metrics;
        _engine = new DeliveryEngine(options, watchdog, time, logger);
    }

    public ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var telemetry = BroadcastTelemetry.Start(_metrics, BroadcastTarget.Filter);

        // The filter sees every circuit before any renders: if it throws, the broadcast renders nothing.
        var (circuits, count) = _registry.AllCircuitsInOrder();
        LiveCircuit[] matching = [];
        var matches = 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var circuit = circuits[i];
                if (!circuit.Removed && filter(circuit.Info))
                {
                    if (matches == matching.Length)
                    {
                        Array.Resize(ref matching, Math.Max(8, matches * 2));
                    }

                    matching[matches++] = circuit;
                }
            }
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }

        var delivery = new InlineDelivery(_engine, telemetry, LiveChange.Broadcast, exceptCircuitId);
        delivery.Render(matching, matches);
        return delivery.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        // Every id is read and checked before any circuit renders: a bad list renders nothing.
        ReadOnlySpan<string> ids = userIds switch
        {
            string[] array => array,
            List<string> list => CollectionsMarshal.AsSpan(list),
            _ => userIds.ToArray(),
        };
        foreach (var id in ids)
        {
            ArgumentNullException.ThrowIfNull(id, nameof(userIds));
        }

        // A circuit has one user, so distinct users never share a circuit; only repeated ids need care.
        var delivery = new InlineDelivery(_engine, BroadcastTelemetry.Start(_metrics, BroadcastTarget.Users), LiveChange.Broadcast, exceptCircuitId);
        HashSet<string>? seen = ids.Length > SmallUserList ? new HashSet<string>(ids.Length, StringComparer.Ordinal) : null;
        for (var i = 0; i < ids.Length; i++)
        {
            if (seen is null ? !SeenBefore(ids, i) : seen.Add(ids[i]))
            {
                var circuits = _registry.CircuitsOfUser(ids[i]);
                delivery.Render(circuits, circuits.Length);
            }
        }

        return delivery.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var circuits = _registry.CircuitsOfGroup(groupId);
        var delivery = new InlineDelivery(_engine, BroadcastTelemetry.Start(_metrics, BroadcastTarget.Group, groupId), LiveChange.Broadcast, exceptCircuitId);
        delivery.Render(circuits, circuits.Length);
        return delivery.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        // Straight from the registry's snapshot: one pass over the circuits, nothing copied.
        var (circuits, count) = _registry.AllCircuitsInOrder();
        var delivery = new InlineDelivery(_engine, BroadcastTelemetry.Start(_metrics, BroadcastTarget.All), LiveChange.Broadcast, exceptCircuitId);
        delivery.Render(circuits, count);
        return delivery.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        var delivery = new InlineDelivery(_engine, BroadcastTelemetry.Start(_metrics, BroadcastTarget.Circuit), LiveChange.Broadcast, exceptCircuitId: null);
        if (_registry.FindCircuit(circuitId) is { } circuit)
        {
            delivery.Render(circuit);
        }

        return delivery.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Re-renders, in this server's circuits, what reads a slot or the presence of <paramref name="change"/>'s group:
    /// the targets of the group's circuits (members) and of the circuits watching it by id. Circuits with nothing that
    /// reads it are not touched. Returns how many circuits it reached.
    /// </summary>
    public ValueTask<int> NotifyAsync(LiveChange change, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var groupId = change.GroupId ?? throw new ArgumentException("A slot or presence change names its group.", nameof(change));
        var members = _registry.CircuitsOfGroup(groupId);
        var watchers = _registry.CircuitsWatching(groupId);
        var delivery = new InlineDelivery(_engine, default, change, exceptCircuitId);
        delivery.Render(members, members.Length);
        if (watchers.Length > 0)
        {
            // A member that also watches its own group by id was rendered with the members.
            var others = watchers;
            if (Array.Exists(watchers, c => c.Info.Identity.BelongsTo(groupId)))
            {
                others = Array.FindAll(watchers, c => !c.Info.Identity.BelongsTo(groupId));
            }

            delivery.Render(others, others.Length);
        }

        return delivery.CompleteAsync(cancellationToken);
    }

    private static bool SeenBefore(ReadOnlySpan<string> ids, int index)
    {
        var userId = ids[index];
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(ids[i], userId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
