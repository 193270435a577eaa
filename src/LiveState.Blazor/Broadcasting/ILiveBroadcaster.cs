namespace LiveState.Blazor;

/// <summary>
/// Re-renders (<c>InvokeAsync(StateHasChanged)</c>) every live circuit that matches a target. Delivery is
/// concurrent; a disposed, throwing or slow circuit is logged and skipped and never stops the others.
/// Each method returns how many circuits it reached.
/// </summary>
/// <remarks>
/// A circuit is reached when its render was dispatched and completed within
/// <see cref="LiveStateOptions.DeliveryTimeout"/>, or when a render it already had queued absorbs this one
/// (bursts coalesce into one render). A broadcast re-renders every LiveState-aware component of a circuit it reaches
/// (every <see cref="LiveComponent"/>, and the components that take the cascaded <see cref="SessionGroupState"/> once
/// the circuit used it); circuits with none have nothing to re-render and are not counted.
/// <para>
/// The calling thread renders the circuits itself when their dispatchers are idle (cheaper than a thread hand-off),
/// for up to about a millisecond; the rest go to the thread pool, whose workers multiply so that a render that blocks
/// a worker holds up no other circuit. A render still running when its thread moves on (a busy circuit) is awaited
/// until <see cref="LiveStateOptions.DeliveryTimeout"/>. Renders run without the caller's
/// <see cref="ExecutionContext"/>, and none sees the async locals another render set. A render that blocks its
/// thread synchronously holds whichever thread runs it until it returns; on the caller's thread, that delays the
/// circuits after it in the caller's share, which render (and count) once it returns. A broadcast whose renders all
/// complete on the caller's thread allocates nothing and arms no timer.
/// </para>
/// </remarks>
public interface ILiveBroadcaster
{
    /// <summary>Re-renders every circuit for which <paramref name="filter"/> returns true.</summary>
    /// <param name="filter">Decides over the circuit's id, user id and group id. Must be quick and must not throw (if it throws, nothing is rendered).</param>
    /// <param name="exceptCircuitId">A circuit to leave out (usually the sender's), or null.</param>
    /// <param name="cancellationToken">Stops waiting for slow circuits; renders already dispatched still happen.</param>
    ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default);

    /// <summary>Re-renders every circuit (every tab and device) of the given users.</summary>
    /// <param name="userIds">The user ids; duplicates are ignored. All are read, and checked not null, before any circuit renders.</param>
    /// <param name="exceptCircuitId">A circuit to leave out (usually the sender's), or null.</param>
    /// <param name="cancellationToken">Stops waiting for slow circuits.</param>
    ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default);

    /// <summary>Re-renders every circuit of one session group.</summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="exceptCircuitId">A circuit to leave out (usually the sender's), or null.</param>
    /// <param name="cancellationToken">Stops waiting for slow circuits.</param>
    ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default);

    /// <summary>Re-renders every live circuit.</summary>
    /// <param name="exceptCircuitId">A circuit to leave out (usually the sender's), or null.</param>
    /// <param name="cancellationToken">Stops waiting for slow circuits.</param>
    ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default);

    /// <summary>Re-renders one circuit.</summary>
    /// <param name="circuitId">The circuit id.</param>
    /// <param name="cancellationToken">Stops waiting for a slow circuit.</param>
    ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default);
}
