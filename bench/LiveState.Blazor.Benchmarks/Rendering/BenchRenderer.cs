// A renderer subclass is what bUnit and Blazor's own tests build; the RenderTree types are meant for exactly that.
#pragma warning disable BL0006
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Benchmarks.Rendering;

/// <summary>
/// A circuit's renderer, as bUnit's and Blazor's own test renderers are built: a real <see cref="Renderer"/> with
/// its own <see cref="Dispatcher"/> (<see cref="Dispatcher.CreateDefault"/>, the same synchronization context a
/// Blazor Server circuit's <c>RemoteRenderer</c> runs on). Every render computes its diff; only sending the batch to
/// a browser is left out (<see cref="UpdateDisplayAsync"/> counts the components the batch updated and completes).
/// </summary>
internal sealed class BenchRenderer : Renderer
{
    private static readonly RendererInfo ServerInteractive = new("Server", isInteractive: true);
    private ExceptionDispatchInfo? _failure;

    public BenchRenderer(IServiceProvider services, ILoggerFactory loggerFactory)
        : base(services, loggerFactory)
    {
    }

    public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

    /// <summary>Components rendered so far, as the render batches list them (framework components included). Written on the dispatcher.</summary>
    public long ComponentsRendered { get; private set; }

    /// <summary>Render batches so far.</summary>
    public long Batches { get; private set; }

    /// <inheritdoc />
    protected override RendererInfo RendererInfo => ServerInteractive;

    /// <summary>Instantiates <paramref name="rootType"/> (with property injection from this renderer's services) and renders it.</summary>
    public Task MountAsync(Type rootType) => Dispatcher.InvokeAsync(() =>
    {
        var component = InstantiateComponent(rootType);
        var id = AssignRootComponentId(component);
        return RenderRootComponentAsync(id, ParameterView.Empty);
    });

    /// <summary>Throws the first exception a component threw, if any.</summary>
    public void ThrowIfFailed() => _failure?.Throw();

    /// <inheritdoc />
    protected override void HandleException(Exception exception) => _failure ??= ExceptionDispatchInfo.Capture(exception);

    /// <inheritdoc />
    protected override Task UpdateDisplayAsync(in RenderBatch renderBatch)
    {
        ComponentsRendered += renderBatch.UpdatedComponents.Count;
        Batches++;
        return Task.CompletedTask;
    }
}
