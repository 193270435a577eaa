using System.Security.Claims;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Circuits;

/// <summary>Per-scope (per-circuit, or per-request while prerendering) link between a circuit and the registry.</summary>
internal sealed class LiveCircuitContext
{
    private readonly CircuitRegistry _registry;
    private readonly ILiveCircuitRegistry _presence;
    private readonly SessionGroupStateService _service;
    private readonly ILiveIdentityResolver _resolver;
    private readonly IServiceProvider _services;
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly LiveStateMetrics _metrics;

    public LiveCircuitContext(CircuitRegistry registry, ILiveCircuitRegistry presence, SessionGroupStateService service, ILiveIdentityResolver resolver, LiveStateMetrics metrics, IServiceProvider services)
    {
        _metrics = metrics;
        _registry = registry;
        _presence = presence;
        _service = service;
        _resolver = resolver;
        _services = services;
    }

    public LiveCircuit? Circuit { get; private set; }

    public SessionGroupState? State { get; private set; }

    public Task WhenAttached => _attached.Task;

    public LiveCircuit Attach(string circuitId, LiveIdentity identity)
    {
        if (Circuit is not null)
        {
            throw new InvalidOperationException("This scope already has a circuit.");
        }

        var circuit = _registry.Register(circuitId, identity);
        _metrics.CircuitOpened();
        Circuit = circuit;
        State = new SessionGroupState(_service, _presence, circuit);
        _attached.TrySetResult();
        return circuit;
    }

    public LiveCircuit? Detach()
    {
        if (Circuit is null || _registry.Unregister(Circuit.Id) is not { } removed)
        {
            return null;
        }

        _metrics.CircuitClosed();
        return removed;
    }

    /// <summary>Resolves the identity of the current principal (prerendering, or a circuit LiveState did not see open).</summary>
    public async ValueTask<LiveIdentity> ResolveIdentityAsync(CancellationToken cancellationToken = default)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity());
        if (_services.GetService<AuthenticationStateProvider>() is { } provider)
        {
            try
            {
                user = (await provider.GetAuthenticationStateAsync().ConfigureAwait(false)).User;
            }
            catch (InvalidOperationException)
            {
                // The host never set an authentication state (no HTTP request behind this scope): anonymous, no browser id.
            }
        }

        return await _resolver.ResolveAsync(user, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A state not tied to a circuit: it reads and updates the group but receives no broadcasts.</summary>
    public SessionGroupState CreateDetachedState(LiveIdentity identity) => new(_service, _presence, identity);
}
