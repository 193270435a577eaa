using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Tests.Infrastructure;

public enum RenderBehaviour
{
    Render,
    ThrowSynchronously,
    Fault,
    Disposed,
    Gated,
    Hang,
}

/// <summary>
/// A render target with a dispatcher of its own whose behaviour a test chooses: run the render at once, throw, fail,
/// never run it, or run it once a gate opens (a busy dispatcher). It reads everything: any change re-renders it.
/// </summary>
internal sealed class FakeRenderTarget : ILiveRenderTarget
{
    private int _renders;

    public FakeRenderTarget(RenderBehaviour mode = RenderBehaviour.Render) => Behaviour = mode;

    public RenderBehaviour Behaviour { get; set; }

    public int Renders => Volatile.Read(ref _renders);

    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Queued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the circuit's renderer goes away while a render waits at the gate.</summary>
    public bool RendererDisposed { get; set; }

    /// <summary>What it reads; null (the default) reads everything.</summary>
    public Func<LiveChange, bool>? Reads { get; set; }

    public bool Wants(in LiveChange change, LiveIdentity identity) => Reads is null || Reads(change);

    public Task? InvokeAsync(Func<Task> work)
    {
        switch (Behaviour)
        {
            case RenderBehaviour.ThrowSynchronously:
                throw new InvalidOperationException("render target exploded");
            case RenderBehaviour.Fault:
                return Task.FromException(new InvalidOperationException("render failed"));
            case RenderBehaviour.Disposed:
                return Task.FromException(new ObjectDisposedException("renderer"));
            case RenderBehaviour.Hang:
                return new TaskCompletionSource().Task;
            case RenderBehaviour.Gated:
                Queued.TrySetResult();
                return RunAfterGateAsync(work);
            default:
                return work();
        }
    }

    /// <summary>Runs in each render (e.g. a render that takes time on a fake clock).</summary>
    public Action? OnRender { get; set; }

    public Task Render()
    {
        Interlocked.Increment(ref _renders);
        OnRender?.Invoke();
        return Task.CompletedTask;
    }

    public void OpenGate() => Gate.TrySetResult();

    private async Task RunAfterGateAsync(Func<Task> work)
    {
        // Like a busy dispatcher: the work item runs only once the gate opens.
        await Gate.Task.ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(RendererDisposed, this);
        await work().ConfigureAwait(false);
    }
}
