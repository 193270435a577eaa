namespace LiveState.Blazor;

/// <summary>
/// Code that must react when circuits connect, disconnect or close (livetemplate's OnConnect/OnDisconnect).
/// Register with <c>AddLiveState().AddLifecycleHandler&lt;T&gt;()</c>; every registered handler is called,
/// from the circuit's own scope. Exceptions are logged and never break the circuit.
/// </summary>
public interface ILiveCircuitLifecycleHandler
{
    /// <summary>The circuit opened and is registered.</summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="cancellationToken">Cancelled when the circuit goes away.</param>
    Task OnConnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The circuit's connection dropped; it may reconnect.</summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="cancellationToken">Cancelled when the circuit goes away.</param>
    Task OnDisconnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The circuit's connection came back.</summary>
    /// <param name="circuit">The circuit.</param>
    /// <param name="cancellationToken">Cancelled when the circuit goes away.</param>
    Task OnReconnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The circuit's identity changed and it moved to another group.</summary>
    /// <param name="circuit">The circuit with its new identity.</param>
    /// <param name="previous">The identity it had.</param>
    /// <param name="cancellationToken">Cancelled when the circuit goes away.</param>
    Task OnMovedAsync(LiveCircuitInfo circuit, LiveIdentity previous, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The circuit closed and was removed from the registry.</summary>
    /// <param name="circuit">The circuit as it was last.</param>
    /// <param name="cancellationToken">Not cancelled in practice; present for symmetry.</param>
    Task OnClosedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Task.CompletedTask;
}
