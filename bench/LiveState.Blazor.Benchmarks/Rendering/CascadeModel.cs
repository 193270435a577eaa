#if LIVESTATE_0_1
using LiveState.Blazor.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks.Rendering;

// Built only against LiveState 0.1 (commit d8dcec8), where CascadingSessionGroupState is the cascade itself; on the
// component model's tree it is an obsolete pass-through and this model would no longer measure it. See
// bench/README.md, "Before and after".

/// <summary>
/// LiveState 0.1's model ("before"): <c>Routes</c> wraps the Router in <see cref="CascadingSessionGroupState"/>, readers take
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
    private readonly ILiveCircuitRegistry _registry;

    public CascadeModel()
    {
        var services = new ServiceCollection();
        BenchServices.AddBlazorCircuitServices(services);
        services.AddLiveState();
        _services = services.BuildServiceProvider();
        _broadcaster = _services.GetRequiredService<ILiveBroadcaster>();
        _state = _services.GetRequiredService<ISessionGroupStateService>();
        _registry = _services.GetRequiredService<ILiveCircuitRegistry>();
    }

    public string Name => "LiveState (before: CascadingSessionGroupState)";

    public IServiceProvider Services => _services;

    public Type RootComponent => typeof(CascadeRoutes);

    public string Route => CascadePage.Route;

    public ExpectedRenders Broadcast => WholeTree;

    public ExpectedRenders Update => WholeTree;

    public async Task OpenCircuitAsync(BenchCircuit circuit)
    {
        await Handler(circuit).OpenAsync(circuit.Id, CancellationToken.None);
        circuit.EnsureRegisteredInGroup(_registry);
    }

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

/// <summary>Routes.razor as 0.1's guides show it: <c>&lt;CascadingSessionGroupState&gt;&lt;Router ...&gt;</c>.</summary>
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

/// <summary>A reader as 0.1's guides write one: the cascaded <see cref="SessionGroupState"/>, one slot read from it.</summary>
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
#endif
