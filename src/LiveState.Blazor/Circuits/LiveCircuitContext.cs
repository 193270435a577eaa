using System.Security.Claims;
using LiveState.Blazor.Components;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Circuits;

/// <summary>
/// One DI scope's link to LiveState: a circuit's (once the circuit handler attached it) or a prerendering request's.
/// It owns the scope's <see cref="SessionGroupState"/> and its cascade, and the render targets of the scope's
/// components, which it hands to the registry's circuit entry once there is one.
/// </summary>
internal sealed class LiveCircuitContext
{
    private readonly CircuitRegistry _registry;
    private readonly ILiveIdentityResolver _resolver;
    private readonly IServiceProvider _services;
    private readonly LiveStateMetrics _metrics;
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<ILiveRenderTarget>? _pendingTargets; // under lock (this), before the circuit is attached
    private List<string>? _pendingWatches; // under lock (this), before the circuit is attached
    private readonly DispatcherIndex _dispatchers;
    private LiveIdentity? _detached;
    private volatile LiveCircuit? _circuit;
    private bool _dispatcherNoted;

    public LiveCircuitContext(CircuitRegistry registry, ILiveCircuitRegistry presence, SessionGroupStateService service, ILiveIdentityResolver resolver, LiveStateMetrics metrics, IServiceProvider services, DispatcherIndex dispatchers)
    {
        _dispatchers = dispatchers;
        _registry = registry;
        _resolver = resolver;
        _metrics = metrics;
        _services = services;
        State = new SessionGroupState(this, service, presence);
        Cascade = new SessionGroupStateCascade(State, () => AddTarget(Cascade!));
    }

    /// <summary>The registry's entry for this scope's circuit; null while prerendering (or before the handler attached it).</summary>
    public LiveCircuit? Circuit => _circuit;

    public SessionGroupState State { get; }

    public SessionGroupStateCascade Cascade { get; }

    public Task WhenAttached => _attached.Task;

    /// <summary>The circuit's identity, or, without a circuit, the identity of the request's principal.</summary>
    public LiveIdentity Identity => _circuit?.Info.Identity ?? _detached ?? ResolveDetached();

    public LiveCircuit Attach(string circuitId, LiveIdentity identity, int maxCircuitsPerGroup = 0)
    {
        if (_circuit is not null)
        {
            throw new InvalidOperationException("This scope already has a circuit.");
        }

        var circuit = _registry.Register(circuitId, identity, maxCircuitsPerGroup);
        _metrics.CircuitOpened();
        lock (this)
        {
            // Components that rendered before (there should be none: Blazor opens the circuit first) keep their targets.
            foreach (var target in _pendingTargets ?? [])
            {
                circuit.AddTarget(target);
            }

            foreach (var groupId in _pendingWatches ?? [])
            {
                circuit.Watch(groupId);
            }

            _pendingTargets = null;
            _pendingWatches = null;
            _circuit = circuit;
        }

        // A signed-in tab whose browser signs the user out elsewhere reloads (and comes back anonymous).
        circuit.AddTarget(new Sessions.SignOutWatcher(circuit, _services));

        _attached.TrySetResult();
        return circuit;
    }

    public LiveCircuit? Detach()
    {
        if (_circuit is not { } circuit || _registry.Unregister(circuit.Id) is not { } removed)
        {
            return null;
        }

        _metrics.CircuitClosed();
        return removed;
    }

    public void AddTarget(ILiveRenderTarget target)
    {
        LiveCircuit? circuit;
        lock (this)
        {
            circuit = _circuit;
            if (circuit is null)
            {
                (_pendingTargets ??= []).Add(target);
                return;
            }
        }

        circuit.AddTarget(target);
    }

    public void RemoveTarget(ILiveRenderTarget target)
    {
        LiveCircuit? circuit;
        lock (this)
        {
            circuit = _circuit;
            if (circuit is null)
            {
                _pendingTargets?.Remove(target);
                return;
            }
        }

        circuit.RemoveTarget(target);
    }

    /// <summary>A target reads <paramref name="groupId"/> by id: the circuit must hear of that group's changes even when it is not a member.</summary>
    public void Watch(string groupId)
    {
        LiveCircuit? circuit;
        lock (this)
        {
            circuit = _circuit;
            if (circuit is null)
            {
                (_pendingWatches ??= []).Add(groupId);
                return;
            }
        }

        circuit.Watch(groupId);
    }

    public void Unwatch(string groupId)
    {
        LiveCircuit? circuit;
        lock (this)
        {
            circuit = _circuit;
            if (circuit is null)
            {
                _pendingWatches?.Remove(groupId);
                return;
            }
        }

        circuit.Unwatch(groupId);
    }

    /// <summary>Called on the circuit's dispatcher (a component starting, a render reading the state): notes which circuit it renders for.</summary>
    public void NoteDispatcher()
    {
        if (!_dispatcherNoted && _circuit is { } circuit && SynchronizationContext.Current is not null)
        {
            _dispatchers.Note(circuit);
            _dispatcherNoted = true;
        }
    }

    /// <summary>Sets the identity of a scope without a circuit (a request that already resolved it).</summary>
    public void UseIdentity(LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _detached = identity;
    }

    /// <summary>
    /// The identity of the principal behind a scope without a circuit (prerendering): resolved once, synchronously,
    /// since renders cannot wait. The default resolver answers at once; an asynchronous one is waited for.
    /// </summary>
    private LiveIdentity ResolveDetached()
    {
        lock (this)
        {
            if (_detached is { } resolved)
            {
                return resolved;
            }

            var user = new ClaimsPrincipal(new ClaimsIdentity());
            if (_services.GetService<AuthenticationStateProvider>() is { } provider)
            {
                try
                {
                    var state = provider.GetAuthenticationStateAsync();
                    user = (state.IsCompletedSuccessfully ? state.Result : state.GetAwaiter().GetResult()).User;
                }
                catch (InvalidOperationException)
                {
                    // The host never set an authentication state (no HTTP request behind this scope): anonymous, no browser id.
                }
            }

            LiveIdentity identity;
            try
            {
                var resolving = _resolver.ResolveAsync(user);
                identity = resolving.IsCompletedSuccessfully ? resolving.Result : resolving.AsTask().GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // As for a circuit: a failing resolver shares nothing.
                identity = LiveIdentity.Private();
            }

            return _detached = identity;
        }
    }
}
