using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// A circuit's render target as a <c>LiveState.Blazor.LiveComponent</c> implements it: it reads everything (so every
/// broadcast and every change of its group reaches it), renders through one <c>InvokeAsync</c> on the circuit's
/// dispatcher, and calls <c>StateHasChanged</c>.
/// </summary>
internal sealed class LiveTarget(FakeComponent component) : ILiveRenderTarget
{
    public FakeComponent Component { get; } = component;

    public bool Wants(in LiveChange change, LiveIdentity identity) => true;

    public Task? InvokeAsync(Func<Task> work) => Component.InvokeAsync(work);

    public Task Render()
    {
        Component.StateHasChanged();
        return Task.CompletedTask;
    }
}
