using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// A circuit's render target as <see cref="CascadingSessionGroupState"/> implements it: one
/// <c>InvokeAsync</c> on the circuit's dispatcher, with a delegate cached for the circuit, that marks the render
/// started and calls <c>StateHasChanged</c>.
/// </summary>
internal sealed class LiveComponent(FakeComponent component) : ILiveRenderTarget
{
    public FakeComponent Component { get; } = component;

    private LiveCircuit? _circuit;
    private Action? _render;

    // As CascadingSessionGroupState: one cached delegate per circuit, since the circuit it renders never changes.
    public Task RenderAsync(LiveCircuit circuit)
    {
        if (_render is null || !ReferenceEquals(circuit, _circuit))
        {
            _circuit = circuit;
            _render = () =>
            {
                circuit.RenderStarting();
                Component.StateHasChanged();
            };
        }

        return Component.InvokeAsync(_render);
    }
}
