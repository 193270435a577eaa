#if !LIVESTATE_0_1
using LiveState.Blazor.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks.Rendering;

/// <summary>
/// The component model ("after", issue 11): <c>AddLiveState()</c> registered as an app registers it, so each circuit's
/// DI scope holds its <c>LiveCircuitContext</c>, its slot handles and the root-level cascade of
/// <see cref="SessionGroupState"/> (which the circuit's renderer finds in its scope); circuits opened through the
/// real <see cref="LiveCircuitHandler"/>. Routes is the bare Router, no wrapper. The page's 3 readers inherit
/// <see cref="LiveComponent"/> and inject <see cref="ILiveState{T}"/> of the slot: an update of it re-renders exactly
/// those 3 in each tab of the group, each on its own (3 render batches per tab, as baseline 2's 3
/// <c>InvokeAsync(StateHasChanged)</c> calls); a broadcast re-renders every LiveState-aware component of the circuits
/// it reaches, which on this page are the same 3 readers. Router, layout, nav menu, page and the 20 plain components
/// never re-render.
/// </summary>
internal sealed class SubscriptionModel : ILiveStateModel
{
    private static readonly ExpectedRenders Readers = new(
        Readers: 3,
        Components: 3,
        What: "the 3 LiveComponent readers");

    private readonly ServiceProvider _services;
    private readonly ILiveBroadcaster _broadcaster;
    private readonly ISessionGroupStateService _state;
    private readonly ILiveCircuitRegistry _registry;

    public SubscriptionModel()
    {
        var services = new ServiceCollection();
        BenchServices.AddBlazorCircuitServices(services);
        services.AddLiveState();
        _services = services.BuildServiceProvider();
        _broadcaster = _services.GetRequiredService<ILiveBroadcaster>();
        _state = _services.GetRequiredService<ISessionGroupStateService>();
        _registry = _services.GetRequiredService<ILiveCircuitRegistry>();
    }

    public string Name => "LiveState (after: LiveComponent + ILiveState<T>)";

    public IServiceProvider Services => _services;

    public Type RootComponent => typeof(SubscriptionRoutes);

    public string Route => SubscriptionPage.Route;

    public ExpectedRenders Broadcast => Readers;

    public ExpectedRenders Update => Readers;

    public async Task OpenCircuitAsync(BenchCircuit circuit)
    {
        await Handler(circuit).OpenAsync(circuit.Id, CancellationToken.None);
        circuit.EnsureRegisteredInGroup(_registry);
    }

    public Task CloseCircuitAsync(BenchCircuit circuit) => Handler(circuit).CloseAsync(circuit.Id);

    public ValueTask<int> BroadcastToGroupAsync(string groupId) => _broadcaster.BroadcastToGroupAsync(groupId);

    public ValueTask<int> BroadcastToAllAsync() => _broadcaster.BroadcastToAllAsync();

    // From outside any circuit, as the other models and the baselines update (a job, another server's request): the
    // same store, the same notification of the slot's readers as a click in a tab (ILiveState<T>.ReplaceAsync).
    public Task UpdateAsync(string groupId) =>
        _state.ReplaceAsync<RenderSlot>(groupId, static s => s with { Value = s.Value + 1 });

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    // Blazor runs every CircuitHandler of the circuit's scope when it opens; LiveState's registers the circuit.
    private static LiveCircuitHandler Handler(BenchCircuit circuit) =>
        circuit.Services.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
}

/// <summary>Routes.razor as the guides show it now: the Router alone (the state is cascaded from DI).</summary>
internal sealed class SubscriptionRoutes : ComponentBase
{
    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder) => BenchRouter.Build(builder);
}

/// <summary>The LiveState app's page (after).</summary>
[Route(Route)]
public sealed class SubscriptionPage : BenchPage<SlotReader>
{
    public const string Route = "/live";
}

/// <summary>
/// A reader as the guides write one now, in C#: <c>@inherits LiveComponent</c> and
/// <c>@inject ILiveState&lt;RenderSlot&gt; Slot</c>.
/// </summary>
public sealed class SlotReader : LiveComponent
{
    [Inject]
    private ILiveState<RenderSlot> Slot { get; set; } = default!;

    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    [Parameter]
    public int Index { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.Readers++;
        BenchPage<SlotReader>.RenderReader(builder, Index, Slot.Value.Value);
    }
}
#endif
