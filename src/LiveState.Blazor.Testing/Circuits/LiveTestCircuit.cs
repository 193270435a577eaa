using System.Security.Claims;
using Bunit;
using LiveState.Blazor.Simulation;
using LiveState.Blazor.Testing.Internal;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Testing;

/// <summary>
/// One simulated Blazor Server circuit (a browser tab) opened against the test's LiveState services. Like a real
/// circuit it has a DI scope of its own, its own renderer and dispatcher (<see cref="Context"/>), and is opened,
/// disconnected and closed through LiveState's real circuit handler, so the registry, presence broadcasts and
/// <see cref="ILiveCircuitLifecycleHandler"/>s see it as they would see a real one.
/// </summary>
/// <remarks>
/// Open one with <c>ctx.OpenCircuit(identity)</c>. Services registered on the test's context are the server's:
/// singletons are shared by every circuit, scoped services get one instance per circuit. Set up a circuit's own
/// bUnit services (JSInterop, a navigation manager) through <see cref="Context"/> before its first render.
/// The app's own <c>CircuitHandler</c>s are not called (Blazor gives them a <c>Circuit</c> only it can create);
/// use <see cref="ILiveCircuitLifecycleHandler"/>, which is.
/// </remarks>
public sealed class LiveTestCircuit : IDisposable
{
    private readonly LiveTestHost _host;
    private readonly AsyncServiceScope _scope;
    private readonly SimulatedCircuit _circuit;
    private readonly CircuitIdentityResolver _resolver;
    private readonly IHostEnvironmentAuthenticationStateProvider _authentication;
    private int _closed;

    private LiveTestCircuit(LiveTestHost host, LiveIdentity? identity, ClaimsPrincipal user)
    {
        _host = host;
        Id = host.NextCircuitId();
        _scope = host.Services.CreateAsyncScope();
        var scoped = _scope.ServiceProvider;

        // One authentication state per circuit, as Blazor gives it; the scope's own provider when it can be set.
        var authentication = scoped.GetService<AuthenticationStateProvider>() is IHostEnvironmentAuthenticationStateProvider settable and AuthenticationStateProvider provider
            ? (settable, provider)
            : CreateAuthentication();
        _authentication = authentication.Item1;
        _authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var services = new CircuitServices(scoped, authentication.Item2);

        _resolver = new CircuitIdentityResolver(scoped.GetRequiredService<ILiveIdentityResolver>()) { Pinned = identity };
        _circuit = SimulatedCircuit.Create(services, _resolver);

        Context = new BunitContext();
        Context.Services.AddSingleton<AuthenticationStateProvider>(authentication.Item2);
        Context.Services.AddFallbackServiceProvider(services);

        // The circuit's SessionGroupState, cascaded from DI as AddLiveState() does in an app (bUnit asks its own
        // container for cascading value sources, never the fallback).
        Context.Services.AddCascadingValue<SessionGroupState>(_ => _circuit.Cascade);
        Context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>The circuit id, as the registry and <see cref="LiveCircuitInfo.CircuitId"/> know it.</summary>
    public string Id { get; }

    /// <summary>The circuit's identity now (it follows <see cref="MoveTo"/> and <see cref="ChangeUser"/>).</summary>
    public LiveIdentity Identity => (_circuit.Info ?? throw new ObjectDisposedException(nameof(LiveTestCircuit))).Identity;

    /// <summary>Whether the circuit is open (not yet closed).</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>Whether the registry holds the circuit with its connection up.</summary>
    public bool IsConnected => _host.Services.GetRequiredService<ILiveCircuitRegistry>().Find(Id)?.IsConnected == true;

    /// <summary>
    /// The circuit's own bUnit context: its renderer, dispatcher, JSInterop and navigation manager. Its services fall
    /// back to the circuit's DI scope of the test context's services.
    /// </summary>
    public BunitContext Context { get; }

    /// <summary>The <see cref="SessionGroupState"/> the circuit's components receive as a cascading parameter.</summary>
    public SessionGroupState State => _circuit.State;

    /// <summary>
    /// How often LiveState re-rendered something in this circuit: a broadcast that reached it, or a change of a slot or
    /// presence that one of its components reads. Renders that coalesce count once; first renders do not count.
    /// </summary>
    public int RerenderCount => _circuit.RenderCount;

    /// <summary>
    /// Renders <typeparamref name="TComponent"/> in this circuit, as Blazor would: it receives the circuit's
    /// <see cref="SessionGroupState"/> as a cascading parameter and its <see cref="ILiveState{T}"/> and
    /// <see cref="ILivePresence"/>, and re-renders when what it reads changes or a broadcast reaches the circuit.
    /// </summary>
    /// <typeparam name="TComponent">The component under test.</typeparam>
    /// <param name="parameterBuilder">Sets the component's parameters, as in bUnit's <c>Render</c>.</param>
    /// <returns>The rendered component.</returns>
    /// <exception cref="ObjectDisposedException">The circuit is closed.</exception>
    public IRenderedComponent<TComponent> Render<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameterBuilder = null)
        where TComponent : IComponent
    {
        ObjectDisposedException.ThrowIf(!IsOpen, this);
        return Context.Render(parameterBuilder ?? (_ => { }));
    }

    /// <summary>The circuit's connection drops (the registry marks it disconnected and its group's presence re-renders); it may come back with <see cref="Reconnect"/>.</summary>
    public void Disconnect()
    {
        ObjectDisposedException.ThrowIf(!IsOpen, this);
        Sync.Run(() => _circuit.SetConnectedAsync(connected: false), $"Disconnecting circuit {Id}");
    }

    /// <summary>The circuit's connection comes back after <see cref="Disconnect"/>.</summary>
    public void Reconnect()
    {
        ObjectDisposedException.ThrowIf(!IsOpen, this);
        Sync.Run(() => _circuit.SetConnectedAsync(connected: true), $"Reconnecting circuit {Id}");
    }

    /// <summary>
    /// Moves the circuit to another identity, as a sign-in or sign-out inside the circuit does: the authentication
    /// state changes, LiveState's handler re-resolves the identity (here: to <paramref name="identity"/>), moves the
    /// circuit to the new group and re-renders it. Returns once the move is complete.
    /// </summary>
    /// <param name="identity">The new identity.</param>
    public void MoveTo(LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        _resolver.Pinned = identity;
        ChangeAuthentication(LiveTestPrincipal.For(identity));
    }

    /// <summary>
    /// Changes the circuit's authenticated user, as a sign-in or sign-out inside the circuit does; the app's
    /// <see cref="ILiveIdentityResolver"/> resolves the new identity and LiveState moves the circuit to its group.
    /// Returns once the move is complete.
    /// </summary>
    /// <param name="user">The new principal (see <see cref="LiveTestPrincipal"/>).</param>
    public void ChangeUser(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        _resolver.Pinned = null;
        ChangeAuthentication(user);
    }

    /// <summary>
    /// Closes the circuit as Blazor does when a tab closes: the connection goes down, LiveState's handler removes the
    /// circuit from the registry (its group's presence re-renders), then the circuit's components and scope are
    /// disposed. Closing twice does nothing.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        _host.Remove(this);
        try
        {
            Sync.Run(
                async () =>
                {
                    await _circuit.SetConnectedAsync(connected: false).ConfigureAwait(false);
                    await _circuit.CloseAsync().ConfigureAwait(false);
                },
                $"Closing circuit {Id}");
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Closes the circuit (see <see cref="Close"/>).</summary>
    public void Dispose() => Close();

    /// <inheritdoc />
    public override string ToString() => $"{Id} {(IsOpen ? Identity.ToString() : "(closed)")}";

    internal static LiveTestCircuit Open(LiveTestHost host, LiveIdentity? identity, ClaimsPrincipal user)
    {
        var circuit = new LiveTestCircuit(host, identity, user);
        host.Add(circuit);
        try
        {
            Sync.Run(() => circuit._circuit.OpenAsync(circuit.Id, CancellationToken.None), $"Opening circuit {circuit.Id}");
        }
        catch
        {
            circuit.Abandon();
            throw;
        }

        return circuit;
    }

    /// <summary>Drops the circuit without telling the app: the test context is going away.</summary>
    internal void Abandon()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _host.Remove(this);
            Release();
        }
    }

    private void ChangeAuthentication(ClaimsPrincipal user)
    {
        ObjectDisposedException.ThrowIf(!IsOpen, this);
        Sync.Run(
            () =>
            {
                _authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
                return _circuit.WhenMoved;
            },
            $"Moving circuit {Id}");
    }

    private void Release()
    {
        try
        {
            Context.Dispose();
        }
        finally
        {
            try
            {
                _scope.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (ObjectDisposedException)
            {
                // The test context disposed its services first.
            }
        }
    }

    private static (IHostEnvironmentAuthenticationStateProvider, AuthenticationStateProvider) CreateAuthentication()
    {
        var provider = new ServerAuthenticationStateProvider();
        return (provider, provider);
    }
}
