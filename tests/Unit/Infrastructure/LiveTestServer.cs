using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiveState.Blazor.Tests.Infrastructure;

/// <summary>
/// One "server": LiveState's real singletons (registry, broadcaster, store) in a service provider. Each
/// <see cref="TestCircuit"/> is a bUnit renderer of its own, attached to this server as a circuit.
/// </summary>
internal sealed class LiveTestServer : IDisposable
{
    private readonly List<TestCircuit> _circuits = [];
    private int _nextId;

    public LiveTestServer(Action<LiveStateOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddLiveState(options =>
        {
            // Tests that prove a hung circuit is skipped wait this long for it; generous enough for a loaded CI machine.
            options.DeliveryTimeout = TimeSpan.FromSeconds(3);
            configure?.Invoke(options);
        });

        // A circuit's LiveCircuitContext sees the circuit's services (its bUnit renderer's navigation manager and
        // JS runtime), as in an app, where the context lives in the circuit's own scope.
        collection.AddScoped<CircuitServices>();
        collection.Replace(ServiceDescriptor.Scoped(sp => ActivatorUtilities.CreateInstance<LiveCircuitContext>(sp, sp.GetRequiredService<CircuitServices>().Services ?? sp)));
        Services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public ServiceProvider Services { get; }

    public CircuitRegistry Registry => Services.GetRequiredService<CircuitRegistry>();

    public ILiveCircuitRegistry Presence => Services.GetRequiredService<ILiveCircuitRegistry>();

    public ILiveBroadcaster Broadcaster => Services.GetRequiredService<ILiveBroadcaster>();

    public ISessionGroupStateService States => Services.GetRequiredService<ISessionGroupStateService>();

    public ISessionGroupStore Store => Services.GetRequiredService<ISessionGroupStore>();

    public InMemorySessionGroupStore MemoryStore => (InMemorySessionGroupStore)Store;

    /// <summary>Opens a circuit with a bUnit renderer and renders <typeparamref name="TComponent"/> in it, with the circuit's state cascaded from DI as in an app.</summary>
    public TestCircuit<TComponent> Open<TComponent>(LiveIdentity identity, string? circuitId = null) where TComponent : IComponent
    {
        var circuit = new TestCircuit<TComponent>(this, circuitId ?? $"circuit-{Interlocked.Increment(ref _nextId)}", identity);
        lock (_circuits)
        {
            _circuits.Add(circuit);
        }

        return circuit;
    }

    /// <summary>A closed circuit: the server holds nothing of it any more, as Blazor drops a closed circuit's scope.</summary>
    public void Forget(TestCircuit circuit)
    {
        lock (_circuits)
        {
            _circuits.Remove(circuit);
        }
    }

    public void Dispose()
    {
        TestCircuit[] open;
        lock (_circuits)
        {
            open = [.. _circuits];
        }

        foreach (var circuit in open)
        {
            circuit.Dispose();
        }

        Services.Dispose();
    }
}

/// <summary>The services a test circuit's scope answers with (its bUnit renderer's), set before the scope's context is created.</summary>
internal sealed class CircuitServices
{
    public IServiceProvider? Services { get; set; }
}

internal abstract class TestCircuit : IDisposable
{
    public abstract string Id { get; }

    public abstract void Dispose();
}

internal sealed class TestCircuit<TComponent> : TestCircuit where TComponent : IComponent
{
    private readonly LiveTestServer _server;
    private readonly IServiceScope _scope;
    private bool _closed;

    public TestCircuit(LiveTestServer server, string id, LiveIdentity identity)
    {
        _server = server;
        Id = id;
        Bunit = new BunitContext();

        // One DI scope per circuit, as Blazor gives it; its services are the circuit's bUnit renderer's (navigation,
        // JS interop), falling back to the scope's.
        _scope = server.Services.CreateScope();
        Bunit.Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        _scope.ServiceProvider.GetRequiredService<CircuitServices>().Services = Bunit.Services;
        Context = _scope.ServiceProvider.GetRequiredService<LiveCircuitContext>();
        Bunit.Services.Replace(ServiceDescriptor.Singleton(Context));

        // bUnit looks for cascading value sources in its own container only (never the fallback), so register the
        // circuit's as AddLiveState() does in an app.
        Bunit.Services.AddCascadingValue<SessionGroupState>(_ => Context.Cascade);
        Context.Attach(id, identity);
        Bunit.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Component = Bunit.Render<TComponent>();
    }

    public override string Id { get; }

    public BunitContext Bunit { get; }

    public LiveCircuitContext Context { get; }

    public IRenderedComponent<TComponent> Component { get; }

    public SessionGroupState State => Context.State;

    /// <summary>Closes the circuit as Blazor would: the registry forgets it, then its components are disposed.</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Context.Detach();
        Bunit.Dispose();
        _scope.Dispose();
        _server.Forget(this);
    }

    public override void Dispose() => Close();
}
