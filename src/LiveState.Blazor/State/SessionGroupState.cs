using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;

namespace LiveState.Blazor;

/// <summary>
/// The state a circuit shares with its session group (every tab of a browser, every device of a user, or a
/// custom group). Cascaded by <see cref="CascadingSessionGroupState"/>; take it with
/// <c>[CascadingParameter] public SessionGroupState State { get; set; }</c>.
/// </summary>
/// <remarks>
/// After an update, every circuit of the group re-renders, this one included. Snapshots from <see cref="Get{T}"/>
/// are shared by every reader: read them, never mutate them.
/// </remarks>
public sealed class SessionGroupState
{
    private readonly SessionGroupStateService _service;
    private readonly ILiveCircuitRegistry _registry;
    private readonly LiveCircuit? _circuit;
    private readonly LiveIdentity? _identity;

    internal SessionGroupState(SessionGroupStateService service, ILiveCircuitRegistry registry, LiveCircuit circuit)
    {
        _service = service;
        _registry = registry;
        _circuit = circuit;
    }

    internal SessionGroupState(SessionGroupStateService service, ILiveCircuitRegistry registry, LiveIdentity identity)
    {
        _service = service;
        _registry = registry;
        _identity = identity;
    }

    /// <summary>Who this circuit belongs to and which group it shares. Follows sign-in and sign-out.</summary>
    public LiveIdentity Identity => _circuit?.Info.Identity ?? _identity!;

    /// <summary>The circuit's session group id.</summary>
    public string GroupId => Identity.GroupId;

    /// <summary>The circuit's id, or null while prerendering (no circuit yet).</summary>
    public string? CircuitId => _circuit?.Id;

    /// <summary>Whether this state belongs to a live circuit (false while prerendering).</summary>
    public bool IsLive => _circuit is not null;

    /// <summary>The live circuits of this group: every open tab and device.</summary>
    public IReadOnlyList<LiveCircuitInfo> Circuits => _registry.GetCircuitsOfGroup(GroupId);

    /// <summary>The number of live circuits of this group.</summary>
    public int CircuitCount => _registry.CountGroup(GroupId);

    /// <summary>The group's current snapshot of <typeparamref name="T"/>, or a new, unsaved <typeparamref name="T"/>. Never blocks; safe in render.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    public T Get<T>() where T : class, new() => _service.Get<T>(GroupId);

    /// <summary>Updates a mutable state object copy-on-write, then re-renders every circuit of the group.</summary>
    /// <typeparam name="T">The slot type; copied through System.Text.Json.</typeparam>
    /// <param name="mutate">Changes a private copy. May run more than once when a distributed store retries.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    public ValueTask<T> UpdateAsync<T>(Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new() =>
        _service.UpdateAsync(GroupId, mutate, cancellationToken);

    /// <summary>Updates an immutable state value (a record), then re-renders every circuit of the group.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="update">Returns the new value; must not mutate its argument.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    public ValueTask<T> UpdateAsync<T>(Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new() =>
        _service.UpdateAsync(GroupId, update, cancellationToken);
}
