#pragma warning disable CS0618 // CascadeModel measures the 0.1 wrapper; on this tree it is a pass-through (measure 'before' at d8dcec8)
using LiveState.Blazor.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks.Rendering;

// NEW MODEL: this file is the one seam between the real-render benchmarks and LiveState's component model. The
// benchmarks (render, circuit-memory, idle, concurrency) only ever see ILiveStateModel. When the component model of
// issue 11 lands (a root-level cascade from DI, typed slot handles, a LiveComponent base that re-renders only the
// readers of what changed), add a second implementation beside CascadeModel, e.g. SubscriptionModel: Routes is the
// bare Router (HandWrittenRoutes can serve), the reader injects the slot handle, and Update's expected renders become
// the 3 readers per tab. Register it in LiveStateModels.Create under "after" and run every command with --model after.

/// <summary>The LiveState side of the real-render benchmarks: the app, how it opens circuits, and what it renders.</summary>
internal interface ILiveStateModel : IBenchApp
{
    /// <summary>What <see cref="BroadcastToGroupAsync"/> and <see cref="BroadcastToAllAsync"/> render per circuit reached.</summary>
    ExpectedRenders Broadcast { get; }

    /// <summary>What <see cref="UpdateAsync"/> renders per circuit of the group.</summary>
    ExpectedRenders Update { get; }

    /// <summary>An explicit broadcast to one group (<c>ILiveBroadcaster.BroadcastToGroupAsync</c>).</summary>
    ValueTask<int> BroadcastToGroupAsync(string groupId);

    /// <summary>An explicit broadcast to every circuit.</summary>
    ValueTask<int> BroadcastToAllAsync();

    /// <summary>An update of the slot the readers read, in one group (a record replaced; the renders it causes included).</summary>
    Task UpdateAsync(string groupId);
}

/// <summary>The LiveState models the benchmarks know, by the name <c>--model</c> takes.</summary>
internal static class LiveStateModels
{
    public const string Default = "before";

    public static ILiveStateModel Create(string name) => name switch
    {
        "before" => new CascadeModel(),

        // NEW MODEL: "after" => new SubscriptionModel(),
        _ => throw new ArgumentException($"Unknown LiveState model '{name}': 'before' (today's CascadingSessionGroupState) is the only one so far."),
    };
}

/// <summary>The slot the readers read.</summary>
[SessionGroupSlot("bench.render-slot")]
public sealed record RenderSlot(int Value)
{
    /// <summary>The empty slot.</summary>
    public RenderSlot()
        : this(0)
    {
    }
}

/// <summary>
/// Today's model ("before"): <c>Routes</c> wraps the Router in <see cref="CascadingSessionGroupState"/>, readers take
/// <c>[CascadingParameter] SessionGroupState</c>, and every update or broadcast re-renders the circuit from the
/// cascade down: the cascade, the Router, RouteView, LayoutView and the layout, then every component that takes the
/// cascading value (the 3 readers). The page and the plain components take no changed parameter and are skipped.
/// </summary>
internal sealed class CascadeModel : ILiveStateModel
{
    private static readonly ExpectedRenders WholeTree = new(
        Readers: 3,
        Components: 9,
        What: "CascadingSessionGroupState, CascadingValue, Router, RouteView, LayoutView, layout, 3 readers");

    private readonly ServiceProvider _services;
    private readonly ILiveBroadcaster _broadcaster;
    private readonly ISessionGroupStateService _state;

    public CascadeModel()
    {
        var services = new ServiceCollection();
        BenchServices.AddBlazorCircuitServices(services);
        services.AddLiveState();
        _services = services.BuildServiceProvider();
        _broadcaster = _services.GetRequiredService<ILiveBroadcaster>();
        _state = _services.GetRequiredService<ISessionGroupStateService>();
    }

    public string Name => "LiveState (before: CascadingSessionGroupState)";

    public IServiceProvider Services => _services;

    public Type RootComponent => typeof(CascadeRoutes);

    public string Route => CascadePage.Route;

    public ExpectedRenders Broadcast => WholeTree;

    public ExpectedRenders Update => WholeTree;

    public Task OpenCircuitAsync(BenchCircuit circuit) => Handler(circuit).OpenAsync(circuit.Id, CancellationToken.None);

    public Task CloseCircuitAsync(BenchCircuit circuit) => Handler(circuit).CloseAsync(circuit.Id);

    public ValueTask<int> BroadcastToGroupAsync(string groupId) => _broadcaster.BroadcastToGroupAsync(groupId);

    public ValueTask<int> BroadcastToAllAsync() => _broadcaster.BroadcastToAllAsync();

    public Task UpdateAsync(string groupId) =>
        _state.ReplaceAsync<RenderSlot>(groupId, static s => s with { Value = s.Value + 1 });

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    // Blazor runs every CircuitHandler of the circuit's scope when it opens; LiveState's registers the circuit.
    private static LiveCircuitHandler Handler(BenchCircuit circuit) =>
        circuit.Services.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
}

/// <summary>Routes.razor as the guides show it today: <c>&lt;CascadingSessionGroupState&gt;&lt;Router ...&gt;</c>.</summary>
internal sealed class CascadeRoutes : ComponentBase
{
    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<CascadingSessionGroupState>(0);
        builder.AddComponentParameter(1, nameof(CascadingSessionGroupState.ChildContent), (RenderFragment)BenchRouter.Build);
        builder.CloseComponent();
    }
}

/// <summary>The LiveState app's page (before).</summary>
[Route(Route)]
public sealed class CascadePage : BenchPage<CascadeReader>
{
    public const string Route = "/live";
}

/// <summary>A reader as the guides write one today: the cascaded <see cref="SessionGroupState"/>, one slot read from it.</summary>
public sealed class CascadeReader : ComponentBase
{
    [CascadingParameter]
    public SessionGroupState State { get; set; } = default!;

    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    [Parameter]
    public int Index { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.Readers++;
        BenchPage<CascadeReader>.RenderReader(builder, Index, State.Get<RenderSlot>().Value);
    }
}
