using Microsoft.AspNetCore.Components;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// The part of a Blazor Server component a broadcast touches: its circuit's dispatcher (a real one, as
/// <see cref="Dispatcher.CreateDefault"/> gives every renderer) and <c>StateHasChanged</c>, here a counter bump
/// so that the benchmarks measure delivery, not rendering. The library and both baselines drive the same class.
/// </summary>
internal sealed class FakeComponent
{
    private readonly Dispatcher _dispatcher = Dispatcher.CreateDefault();
    private int _renders;

    public int Renders => Volatile.Read(ref _renders);

    /// <summary>As <c>ComponentBase.InvokeAsync</c>: runs inline on an idle dispatcher, queues on a busy one.</summary>
    public Task InvokeAsync(Action work) => _dispatcher.InvokeAsync(work);

    /// <summary>As <c>ComponentBase.InvokeAsync(Func&lt;Task&gt;)</c>.</summary>
    public Task InvokeAsync(Func<Task> work) => _dispatcher.InvokeAsync(work);

    /// <summary>Stands in for <c>ComponentBase.StateHasChanged</c>; runs on the dispatcher.</summary>
    public void StateHasChanged() => _renders++;
}
