using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>
/// A tab as <see cref="LiveTestServer"/> opens one (a bUnit renderer attached as a circuit, its scope's services behind
/// it), rendering <typeparamref name="TComponent"/> with the given parameters from the start, and with the server's room
/// authorizers in the renderer's own services: bUnit asks its fallback provider for single services only, never for
/// all the implementations of one.
/// </summary>
internal sealed class RoomTab<TComponent> : IDisposable where TComponent : IComponent
{
    private readonly IServiceScope _scope;
    private bool _closed;

    public RoomTab(LiveTestServer server, string id, LiveIdentity identity, Action<ComponentParameterCollectionBuilder<TComponent>>? parameters = null)
    {
        Id = id;
        Bunit = new BunitContext();
        _scope = server.Services.CreateScope();
        Bunit.Services.AddFallbackServiceProvider(_scope.ServiceProvider);
        foreach (var authorizer in _scope.ServiceProvider.GetServices<ILiveRoomAuthorizer>())
        {
            Bunit.Services.AddSingleton(authorizer);
        }

        Bunit.AddAuthorization();
        _scope.ServiceProvider.GetRequiredService<CircuitServices>().Services = Bunit.Services;
        Context = _scope.ServiceProvider.GetRequiredService<LiveCircuitContext>();
        Bunit.Services.Replace(ServiceDescriptor.Singleton(Context));
        Bunit.Services.AddCascadingValue<SessionGroupState>(_ => Context.Cascade);
        Context.Attach(id, identity);
        Bunit.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Component = parameters is null ? Bunit.Render<TComponent>() : Bunit.Render(parameters);
    }

    public string Id { get; }

    public BunitContext Bunit { get; }

    public LiveCircuitContext Context { get; }

    public IRenderedComponent<TComponent> Component { get; }

    /// <summary>Closes the tab as Blazor does: the circuit handler's close (the registry drops it, its rooms end), then its components are disposed.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Context.Detach();
        _ = Context.RoomsIfUsed?.CircuitClosedAsync();
        Bunit.Dispose();
        _scope.Dispose();
    }
}
