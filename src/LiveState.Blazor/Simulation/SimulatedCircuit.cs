using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Simulation;

/// <summary>
/// For test frameworks (LiveState.Blazor.Testing is built on it), not for apps: a circuit opened, disconnected,
/// reconnected and closed through LiveState's real circuit handler, without Blazor. Blazor gives a
/// <c>CircuitHandler</c> a <c>Circuit</c> only it can create; this drives the same code by circuit id. What a test
/// renderer needs of the circuit is here too: its cascaded <see cref="SessionGroupState"/> and how often LiveState
/// re-rendered something in it.
/// </summary>
/// <remarks>
/// Create one per simulated circuit, from a DI scope of the app's services that is the circuit's (its
/// <c>AuthenticationStateProvider</c> carrying the circuit's principal), then call <see cref="OpenAsync"/>.
/// </remarks>
public sealed class SimulatedCircuit
{
    private readonly LiveCircuitContext _context;
    private readonly LiveCircuitHandler _handler;
    private string? _id;

    private SimulatedCircuit(LiveCircuitContext context, LiveCircuitHandler handler)
    {
        _context = context;
        _handler = handler;
    }

    /// <summary>Creates a simulated circuit in a scope of the app's services.</summary>
    /// <param name="scope">The circuit's services: a scope of the app's, as Blazor makes one per circuit.</param>
    /// <param name="resolver">The identity resolver the circuit's handler uses; null for the app's.</param>
    /// <returns>The circuit, not yet open.</returns>
    /// <exception cref="InvalidOperationException">LiveState is not registered in <paramref name="scope"/>.</exception>
    public static SimulatedCircuit Create(IServiceProvider scope, ILiveIdentityResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var context = scope.GetService<LiveCircuitContext>()
            ?? throw new InvalidOperationException("LiveState is not registered in these services: call AddLiveState() first.");
        var handler = new LiveCircuitHandler(
            context,
            scope.GetRequiredService<CircuitRegistry>(),
            resolver ?? scope.GetRequiredService<ILiveIdentityResolver>(),
            scope.GetRequiredService<ILiveBroadcaster>(),
            scope.GetRequiredService<IChangeNotifier>(),
            scope,
            scope.GetRequiredService<IOptionsMonitor<LiveStateOptions>>(),
            scope.GetService<ILogger<LiveCircuitHandler>>() ?? NullLogger<LiveCircuitHandler>.Instance);
        return new SimulatedCircuit(context, handler);
    }

    /// <summary>The circuit's id once opened.</summary>
    public string? Id => _id;

    /// <summary>The circuit as the registry knows it (null before it opened and after it closed).</summary>
    public LiveCircuitInfo? Info => _context.Circuit is { Removed: false } circuit ? circuit.Info : null;

    /// <summary>The circuit's <see cref="SessionGroupState"/>, as its components receive it.</summary>
    public SessionGroupState State => _context.State;

    /// <summary>The circuit's cascading value source: register it in the test renderer's services (<c>AddCascadingValue</c>), as <c>AddLiveState()</c> does in an app.</summary>
    public CascadingValueSource<SessionGroupState> Cascade => _context.Cascade;

    /// <summary>How often LiveState re-rendered something in this circuit: renders that coalesced count once.</summary>
    public int RenderCount => _context.Circuit?.Renders ?? 0;

    /// <summary>Completes when the move started by the latest authentication state change is done.</summary>
    public Task WhenMoved => _handler.LastMove;

    /// <summary>Opens the circuit: resolves its identity, registers it, runs the lifecycle and sign-in handlers, re-renders its group's presence.</summary>
    /// <param name="circuitId">The circuit's id.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    public Task OpenAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(circuitId);
        _id = circuitId;
        return _handler.OpenAsync(circuitId, cancellationToken);
    }

    /// <summary>The circuit's connection drops (<paramref name="connected"/> false) or comes back.</summary>
    /// <param name="connected">Whether the connection is up.</param>
    public Task SetConnectedAsync(bool connected) =>
        _id is { } id ? _handler.ConnectionChangedAsync(id, connected) : throw new InvalidOperationException("The circuit is not open.");

    /// <summary>Closes the circuit: removes it from the registry, runs the lifecycle handlers, re-renders its group's presence.</summary>
    public Task CloseAsync() =>
        _id is { } id ? _handler.CloseAsync(id) : Task.CompletedTask;
}
