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

/// <summary>A render target whose behaviour a test chooses: render at once, throw, fail, or wait for a gate.</summary>
internal sealed class FakeRenderTarget : ILiveRenderTarget
{
    private int _renders;

    public FakeRenderTarget(RenderBehaviour mode = RenderBehaviour.Render) => Behaviour = mode;

    public RenderBehaviour Behaviour { get; set; }

    public int Renders => Volatile.Read(ref _renders);

    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Queued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task RenderAsync(LiveCircuit circuit)
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
                return RenderAfterGateAsync(circuit);
            default:
                circuit.RenderStarting();
                Interlocked.Increment(ref _renders);
                return Task.CompletedTask;
        }
    }

    public void OpenGate() => Gate.TrySetResult();

    /// <summary>Set when the circuit's renderer goes away while a render waits at the gate.</summary>
    public bool RendererDisposed { get; set; }

    private async Task RenderAfterGateAsync(LiveCircuit circuit)
    {
        // Like a busy dispatcher: the work item runs only once the gate opens.
        await Gate.Task.ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(RendererDisposed, this);
        circuit.RenderStarting();
        Interlocked.Increment(ref _renders);
    }
}
