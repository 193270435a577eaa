using System.Diagnostics.CodeAnalysis;

namespace LiveState.Blazor.Backends;

/// <summary>This server, as its <see cref="LiveStateBackend"/> sees it: what it hosts, and how to hand it what arrives.</summary>
public interface ILiveStateHost
{
    /// <summary>This server's own circuits (never the other servers').</summary>
    ILiveCircuitRegistry LocalCircuits { get; }

    /// <summary>The groups and users this server hosts now (a snapshot): subscribe to these at start and after a reconnect.</summary>
    IReadOnlyCollection<LiveTopic> Topics { get; }

    /// <summary>
    /// A message from another server: re-renders this server's circuits it targets (for a slot change, after bringing the
    /// cached slot up to date from its payload, or dropping it when there is none). Never throws for a circuit that fails
    /// or is gone.
    /// </summary>
    /// <param name="message">The message, as the other server published it.</param>
    /// <param name="cancellationToken">Stops waiting for slow circuits.</param>
    /// <returns>How many circuits here it reached.</returns>
    ValueTask<int> DeliverAsync(LiveMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// The snapshot of a slot this server renders, if it holds one (what its circuits show now), without waiting. A store
    /// may start an update's compare-and-set from it instead of reading the slot first; it may be older than the store's.
    /// </summary>
    /// <typeparam name="T">The slot's declared type.</typeparam>
    /// <param name="groupId">The group.</param>
    /// <param name="slotKey">The slot's key.</param>
    /// <param name="slot">The snapshot, or null.</param>
    /// <returns>Whether this server holds a snapshot of the slot.</returns>
    bool TryGetCached<T>(string groupId, string slotKey, [NotNullWhen(true)] out SessionGroupSlot<T>? slot) where T : class;

    /// <summary>The circuits of a group changed on another server: re-renders this server's presence readers of the group (coalesced).</summary>
    /// <param name="groupId">The group.</param>
    ValueTask PresenceChangedAsync(string groupId);

    /// <summary>
    /// Messages may have been missed (a reconnect after an outage, a gap noticed): drops every slot this server holds of
    /// the groups it hosts and re-renders their readers, which read them afresh.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting for slow circuits.</param>
    ValueTask ResyncAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored state of a group vanished (expired, deleted elsewhere): drops what this server holds of it and re-renders its readers.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="cancellationToken">Stops waiting for slow circuits.</param>
    ValueTask ForgetAsync(string groupId, CancellationToken cancellationToken = default);
}
