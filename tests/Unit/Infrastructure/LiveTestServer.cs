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
        Services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    public ServiceProvider Services { get; }

    public CircuitRegistry Registry => Services.GetRequiredService<CircuitRegistry>();

    public ILiveCircuitRegistry Presence => Services.GetRequiredService<ILiveCircuitRegistry>();

    public ILiveBroadcaster Broadcaster => Services.GetRequiredService<ILiveBroadcaster>();

    public ISessionGroupStateService States => Services.GetRequiredService<ISessionGroupStateService>();

    public ISessionGroupStore Store => Services.GetRequiredService<ISessionGroupStore>();

    public InMemorySessionGroupStore MemoryStore => (InMemorySessionGroupStore)Store;

    /// <summary>Opens a circuit with a bUnit renderer and renders <typeparamref name="TComponent"/> under <see cref="CascadingSessionGroupState"/>.</summary>
    public TestCircuit<TComponent> Open<TComponent>(LiveIdentity identity, string? circuitId = null) where TComponent : IComponent
    {
        var circuit = new TestCircuit<TComponent>(this, circuitId ?? $"circuit-{Interlocked.Increment(ref _nextId)}", identity);
        _circuits.Add(circuit);
        return circuit;
    }

    public void Dispose()
    {
        foreach (var circuit in _circuits)
        {
            circuit.Dispose();
        }

        Services.Dispose();
    }
}

internal abstract class TestCircuit : IDisposable
{
    public abstract string Id { get; }

    public abstract void Dispose();
}

internal sealed class TestCircuit<TComponent> : TestCircuit where TComponent : IComponent
{
    private readonly LiveTestServer _server;
    private bool _closed;

    public TestCircuit(LiveTestServer server, string id, LiveIdentity identity)
    {
        _server = server;
        Id = id;
        Bunit = new BunitContext();
        Bunit.Services.AddFallbackServiceProvider(server.Services);
        Context = ActivatorUtilities.CreateInstance<LiveCircuitContext>(server.Services);
        Bunit.Services.Replace(ServiceDescriptor.Singleton(Context));
        Context.Attach(id, identity);
        Bunit.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Root = Bunit.Render<CascadingSessionGroupState>(p => p.AddChildContent<TComponent>());
    }

    public override string Id { get; }

    public BunitContext Bunit { get; }

    public LiveCircuitContext Context { get; }

    public IRenderedComponent<CascadingSessionGroupState> Root { get; }

    public IRenderedComponent<TComponent> Component => Root.FindComponent<TComponent>();

    public SessionGroupState State => Context.State!;

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
    }

    public override void Dispose() => Close();
}
