using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace LiveState.Blazor.Tests.Broadcasting;

/// <summary>
/// A target with a Blazor dispatcher takes a render as a synchronous work item (<c>Dispatcher.InvokeAsync(Action)</c>,
/// which Blazor runs without the async machinery of <c>InvokeAsync(Func&lt;Task&gt;)</c>: issue 13's broadcast to all),
/// and a render that does not complete synchronously, or fails, is still waited for, counted and logged as before.
/// </summary>
public sealed class SynchronousDispatchTests : IDisposable
{
    private readonly LiveTestServer _server = new(options => options.BroadcastPresenceChanges = false);

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task AnIdleDispatcherRendersTheCircuitAsASynchronousWorkItem()
    {
        var component = new DispatchingTarget();
        _server.Registry.Register("c", new LiveIdentity("user:a", "a")).AddTarget(component);

        Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("c"));

        Assert.Equal(1, component.SynchronousDispatches);
        Assert.Equal(0, component.AsyncDispatches);
        Assert.Equal(1, component.Renders);
    }

    [Fact]
    public async Task ARenderThatCompletesLaterIsWaitedForAndCounted()
    {
        var component = new DispatchingTarget();
        var later = new CallbackRendering();
        var circuit = _server.Registry.Register("c", new LiveIdentity("user:a", "a"));
        circuit.AddTarget(component);
        circuit.AddTarget(later);

        var broadcast = _server.Broadcaster.BroadcastToCircuitAsync("c").AsTask();
        await later.Started.Task.WaitAsync(Wait.Deadline);
        Assert.False(broadcast.IsCompleted);

        later.Finish.SetResult();
        Assert.Equal(1, await broadcast.WaitAsync(Wait.Deadline));
        Assert.Equal(1, component.SynchronousDispatches);
    }

    [Fact]
    public async Task ARenderThatFailsIsNotCountedAndFreesTheCircuit()
    {
        var component = new DispatchingTarget { Fail = true };
        _server.Registry.Register("c", new LiveIdentity("user:a", "a")).AddTarget(component);

        Assert.Equal(0, await _server.Broadcaster.BroadcastToCircuitAsync("c"));

        component.Fail = false;
        Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("c"));
        Assert.Equal(2, component.SynchronousDispatches);
    }

    [Fact]
    public async Task ABusyDispatcherRunsTheRenderWhenItIsFreeAndTheBroadcastWaitsForIt()
    {
        var component = new DispatchingTarget();
        _server.Registry.Register("c", new LiveIdentity("user:a", "a")).AddTarget(component);
        using var busy = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Another thread holds the dispatcher, as a long event handler would.
        var hold = Task.Run(() => component.Dispatcher.InvokeAsync(() =>
        {
            holding.SetResult();
            busy.Wait(Wait.Deadline);
        }));
        await holding.Task.WaitAsync(Wait.Deadline);

        var broadcast = _server.Broadcaster.BroadcastToCircuitAsync("c").AsTask();
        Assert.False(broadcast.IsCompleted);
        Assert.Equal(0, component.Renders);

        busy.Set();
        await hold.WaitAsync(Wait.Deadline);
        Assert.Equal(1, await broadcast.WaitAsync(Wait.Deadline));
        Assert.Equal(1, component.Renders);
    }

    /// <summary>A component's target: a real Blazor dispatcher, both ways of dispatching to it, and a render that may throw.</summary>
    private sealed class DispatchingTarget : ILiveRenderTarget
    {
        private int _renders;

        public Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

        public bool Fail { get; set; }

        public int Renders => Volatile.Read(ref _renders);

        public int SynchronousDispatches { get; private set; }

        public int AsyncDispatches { get; private set; }

        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        public Task? InvokeAsync(Func<Task> work)
        {
            AsyncDispatches++;
            return Dispatcher.InvokeAsync(work);
        }

        public Task? Invoke(Action work)
        {
            SynchronousDispatches++;
            return Dispatcher.InvokeAsync(work);
        }

        public Task Render()
        {
            if (Fail)
            {
                throw new InvalidOperationException("render failed");
            }

            Interlocked.Increment(ref _renders);
            return Task.CompletedTask;
        }
    }

    /// <summary>A callback whose render completes when the test says (no dispatcher of its own).</summary>
    private sealed class CallbackRendering : ILiveRenderTarget
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            Started.TrySetResult();
            return Finish.Task;
        }
    }
}
