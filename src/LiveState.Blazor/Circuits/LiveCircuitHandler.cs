using System.Security.Claims;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Internal;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Circuits;

/// <summary>
/// Registers each circuit when it opens, keeps its connection state and identity true, and removes it when it
/// closes. Runs in the circuit's scope.
/// </summary>
internal sealed class LiveCircuitHandler : CircuitHandler
{
    private readonly LiveCircuitContext _context;
    private readonly CircuitRegistry _registry;
    private readonly ILiveIdentityResolver _resolver;
    private readonly ILiveBroadcaster _broadcaster;
    private readonly IChangeNotifier _notifier;
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed = new();
    private AuthenticationStateProvider? _authentication;

    public LiveCircuitHandler(
        LiveCircuitContext context,
        CircuitRegistry registry,
        ILiveIdentityResolver resolver,
        ILiveBroadcaster broadcaster,
        IChangeNotifier notifier,
        IServiceProvider services,
        IOptionsMonitor<LiveStateOptions> options,
        ILogger<LiveCircuitHandler> logger)
    {
        _context = context;
        _registry = registry;
        _resolver = resolver;
        _broadcaster = broadcaster;
        _notifier = notifier;
        _services = services;
        _options = options;
        _logger = logger;
    }

    // Run before the app's own handlers, so they already see this circuit in the registry.
    public override int Order => -10_000;

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken) => OpenAsync(circuit.Id, cancellationToken);

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken) => ConnectionChangedAsync(circuit.Id, connected: false);

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) => ConnectionChangedAsync(circuit.Id, connected: true);

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken) => CloseAsync(circuit.Id);

    internal async Task OpenAsync(string circuitId, CancellationToken cancellationToken)
    {
        _authentication = _services.GetService<AuthenticationStateProvider>();
        var user = await CurrentUserAsync(_authentication).ConfigureAwait(false);
        var identity = await ResolveAsync(user, cancellationToken).ConfigureAwait(false);
        LiveCircuit entry;
        try
        {
            entry = _context.Attach(circuitId, identity, _options.CurrentValue.MaxCircuitsPerGroup);
        }
        catch (LiveStateCircuitLimitException ex)
        {
            // Blazor closes a circuit whose handler throws here: the refusal is the circuit's end, said in the log.
            Log.CircuitRefused(_logger, circuitId, LiveIdentity.Redact(ex.GroupId), ex.Limit);
            throw;
        }

        entry.BrowserId = DefaultLiveIdentityResolver.FindBrowserId(user);
        if (_authentication is not null)
        {
            _authentication.AuthenticationStateChanged += OnAuthenticationStateChanged;
        }

        Log.CircuitOpened(_logger, circuitId, identity);
        await NotifyAsync(static (h, c, ct) => h.OnConnectedAsync(c, ct), entry.Info).ConfigureAwait(false);
        await SignedInAsync(entry).ConfigureAwait(false);
        await PresenceChangedAsync(entry.Info.Identity).ConfigureAwait(false);
    }

    internal async Task ConnectionChangedAsync(string circuitId, bool connected)
    {
        // The first "up" follows "opened" and changes nothing; only a real drop or reconnect does.
        if (_registry.SetConnected(circuitId, connected) is not { } info)
        {
            return;
        }

        await NotifyAsync(connected ? static (h, c, ct) => h.OnReconnectedAsync(c, ct) : static (h, c, ct) => h.OnDisconnectedAsync(c, ct), info).ConfigureAwait(false);
        await PresenceChangedAsync(info.Identity).ConfigureAwait(false);
    }

    internal async Task CloseAsync(string circuitId)
    {
        if (_authentication is not null)
        {
            _authentication.AuthenticationStateChanged -= OnAuthenticationStateChanged;
        }

        await _closed.CancelAsync().ConfigureAwait(false);
        if (_context.Detach() is { } entry)
        {
            Log.CircuitClosed(_logger, circuitId);
            await NotifyAsync(static (h, c, ct) => h.OnClosedAsync(c, ct), entry.Info).ConfigureAwait(false);
            await PresenceChangedAsync(entry.Info.Identity).ConfigureAwait(false);
        }
    }

    private void OnAuthenticationStateChanged(Task<AuthenticationState> task) => LastMove = MoveAsync(task);

    /// <summary>The last move started by an authentication state change (tests wait on it).</summary>
    internal Task LastMove { get; private set; } = Task.CompletedTask;

    /// <summary>Sign-in or sign-out inside the circuit: resolve the identity again and move to the new group.</summary>
    private async Task MoveAsync(Task<AuthenticationState> task)
    {
        try
        {
            var circuit = _context.Circuit;
            if (circuit is null || _closed.IsCancellationRequested)
            {
                return;
            }

            var state = await task.ConfigureAwait(false);
            var identity = await ResolveAsync(state.User, _closed.Token).ConfigureAwait(false);
            circuit.BrowserId = DefaultLiveIdentityResolver.FindBrowserId(state.User) ?? circuit.BrowserId;
            if (_registry.Move(circuit.Id, identity) is not { } previous)
            {
                return;
            }

            Log.CircuitMoved(_logger, circuit.Id, previous, identity);
            await NotifyAsync((h, c, ct) => h.OnMovedAsync(c, previous, ct), circuit.Info).ConfigureAwait(false);
            await SignedInAsync(circuit).ConfigureAwait(false);

            // The circuit itself now shows another group's state: everything live in it re-renders. Both groups' presence changed.
            await _broadcaster.BroadcastToCircuitAsync(circuit.Id).ConfigureAwait(false);
            await PresenceChangedAsync(previous).ConfigureAwait(false);
            await PresenceChangedAsync(identity).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.CircuitMoveFailed(_logger, _context.Circuit?.Id, ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async ValueTask<ClaimsPrincipal> CurrentUserAsync(AuthenticationStateProvider? provider)
    {
        try
        {
            if (provider is not null)
            {
                return (await provider.GetAuthenticationStateAsync().ConfigureAwait(false)).User;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.IdentityResolutionFailed(_logger, ex);
        }

        return new ClaimsPrincipal(new ClaimsIdentity());
    }

    private async ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        try
        {
            return await _resolver.ResolveAsync(user, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A broken resolver must not kill the circuit, nor leave it in a group it may no longer see (a sign-out):
            // the circuit gets a private group and shares nothing. Only the circuit's own cancellation propagates.
            Log.IdentityResolutionFailed(_logger, ex);
            return LiveIdentity.Private();
        }
    }

    /// <summary>A signed-in circuit in a browser with an anonymous group: let the app carry anonymous state over.</summary>
    private async Task SignedInAsync(LiveCircuit circuit)
    {
        var identity = circuit.Info.Identity;
        if (!identity.IsAuthenticated || circuit.BrowserId is not { } browserId)
        {
            return;
        }

        var anonymousGroup = LiveIdentity.BrowserGroup(browserId);
        if (anonymousGroup == identity.GroupId)
        {
            return;
        }

        var handlers = _services.GetServices<ILiveSignInHandler>().ToList();
        if (handlers.Count == 0)
        {
            return;
        }

        var context = new LiveSignInContext(
            identity,
            anonymousGroup,
            circuit.Id,
            _services.GetRequiredService<SessionGroupStateService>(),
            _services.GetRequiredService<ISessionGroupStore>(),
            _options.CurrentValue.JsonSerializerOptions,
            _services.GetService<TimeProvider>() ?? TimeProvider.System);
        foreach (var handler in handlers)
        {
            try
            {
                await handler.OnSignedInAsync(context, _closed.IsCancellationRequested ? CancellationToken.None : _closed.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.LifecycleHandlerFailed(_logger, handler.GetType().Name, circuit.Id, ex);
            }
        }
    }

    private async Task NotifyAsync(Func<ILiveCircuitLifecycleHandler, LiveCircuitInfo, CancellationToken, Task> call, LiveCircuitInfo circuit)
    {
        foreach (var handler in _services.GetServices<ILiveCircuitLifecycleHandler>())
        {
            try
            {
                await call(handler, circuit, _closed.IsCancellationRequested ? CancellationToken.None : _closed.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.LifecycleHandlerFailed(_logger, handler.GetType().Name, circuit.CircuitId, ex);
            }
        }
    }

    /// <summary>Re-renders the presence readers of every group the identity belongs to (coalesced per group), so counts stay live.</summary>
    private async ValueTask PresenceChangedAsync(LiveIdentity identity)
    {
        if (!_options.CurrentValue.BroadcastPresenceChanges)
        {
            return;
        }

        await _notifier.PresenceChangedAsync(identity.GroupId).ConfigureAwait(false);
        foreach (var membership in identity.Memberships)
        {
            await _notifier.PresenceChangedAsync(membership).ConfigureAwait(false);
        }
    }
}
