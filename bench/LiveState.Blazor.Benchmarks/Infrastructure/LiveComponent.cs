using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// A circuit's render target as <see cref="CascadingSessionGroupState"/> implements it: one
/// <c>InvokeAsync</c> on the circuit's dispatcher that marks the render started and calls <c>StateHasChanged</c>.
/// </summary>
internal sealed class LiveComponent(FakeComponent component) : ILiveRenderTarget
{
    public FakeComponent Component { get; } = component;

    public Task RenderAsync(LiveCircuit circuit) => Component.InvokeAsync(() =>
    {
        circuit.RenderStarting();
        Component.StateHasChanged();
    });
}
