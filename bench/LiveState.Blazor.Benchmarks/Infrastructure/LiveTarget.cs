using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

#if LIVESTATE_0_1
/// <summary>
/// A circuit's render target as 0.1's <c>CascadingSessionGroupState</c> implements it: one <c>InvokeAsync</c> on the
/// circuit's dispatcher, with a delegate cached for the circuit, that marks the render started and calls
/// <c>StateHasChanged</c>. (Built only against LiveState 0.1: see bench/README.md, "Before and after".)
/// </summary>
internal sealed class LiveTarget(FakeComponent component) : ILiveRenderTarget
{
    private LiveCircuit? _circuit;
    private Action? _render;

    public FakeComponent Component { get; } = component;

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
#else
/// <summary>
/// A circuit's render target as a <c>LiveState.Blazor.LiveComponent</c> implements it: it reads everything (so every
/// broadcast and every change of its group reaches it), renders through one <c>InvokeAsync</c> on the circuit's
/// dispatcher (synchronous work, as its <c>ComponentTarget</c> offers), and calls <c>StateHasChanged</c>.
/// </summary>
internal sealed class LiveTarget(FakeComponent component) : ILiveRenderTarget
{
    public FakeComponent Component { get; } = component;

    public bool Wants(in LiveChange change, LiveIdentity identity) => true;

    public Task? InvokeAsync(Func<Task> work) => Component.InvokeAsync(work);

    public Task? Invoke(Action work) => Component.InvokeAsync(work);

    public Task Render()
    {
        Component.StateHasChanged();
        return Task.CompletedTask;
    }
}
#endif
