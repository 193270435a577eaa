using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Tests.Infrastructure;

/// <summary>A render target whose behaviour a test chooses: render at once, throw, fail, or wait for a gate.</summary>
internal sealed class FakeRenderTarget : ILiveRenderTarget
{
    private int _renders;

    public enum Mode
    {
        Render,
        ThrowSynchronously,
        Fault,
        Disposed,
        Gated,
        Hang,
    }

    public FakeRenderTarget(Mode mode = Mode.Render) => Behaviour = mode;

    public Mode Behaviour { get; set; }

    public int Renders => Volatile.Read(ref _renders);

    public TaskCompletionSource Gate { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Queued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task RenderAsync(LiveCircuit circuit)
    {
        switch (Behaviour)
        {
            case Mode.ThrowSynchronously:
                throw new InvalidOperationException("render target exploded");
            case Mode.Fault:
                return Task.FromException(new InvalidOperationException("render failed"));
            case Mode.Disposed:
                return Task.FromException(new ObjectDisposedException("renderer"));
            case Mode.Hang:
                return new TaskCompletionSource().Task;
            case Mode.Gated:
                Queued.TrySetResult();
                return RenderAfterGateAsync(circuit);
            default:
                circuit.RenderStarting();
                Interlocked.Increment(ref _renders);
                return Task.CompletedTask;
        }
    }

    public void OpenGate() => Gate.TrySetResult();

    private async Task RenderAfterGateAsync(LiveCircuit circuit)
    {
        // Like a busy dispatcher: the work item runs only once the gate opens.
        await Gate.Task.ConfigureAwait(false);
        circuit.RenderStarting();
        Interlocked.Increment(ref _renders);
    }
}
