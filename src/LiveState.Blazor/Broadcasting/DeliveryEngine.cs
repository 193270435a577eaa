using LiveState.Blazor.Circuits;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Broadcasting;

/// <summary>
/// What every delivery of one host shares: its options, clock, watchdog and log, the length of a slice, and the clean
/// execution context renders run in. One per broadcaster, so per host: nothing of it is process-wide.
/// </summary>
internal sealed class DeliveryEngine
{
    private readonly IOptionsMonitor<LiveStateOptions> _options;

    public DeliveryEngine(IOptionsMonitor<LiveStateOptions> options, SlowRenderWatchdog watchdog, TimeProvider time, ILogger logger)
    {
        _options = options;
        Watchdog = watchdog;
        Time = time;
        Logger = logger;
        SliceTicks = Math.Max(1, time.TimestampFrequency / 1000);
        CleanContext = CaptureCleanContext();
    }

    public SlowRenderWatchdog Watchdog { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>
    /// How long (in <see cref="Time"/>'s timestamp ticks: 1 ms) a thread renders one broadcast's circuits before the
    /// pool's other work gets a turn: the caller's inline slice, then each worker's.
    /// </summary>
    public long SliceTicks { get; }

    /// <summary>An execution context without any async local: renders run in it, never in the sender's.</summary>
    public ExecutionContext CleanContext { get; }

    public TimeSpan DeliveryTimeout => _options.CurrentValue.DeliveryTimeout;

    /// <summary>
    /// Starts a claimed circuit's render on the calling thread (which runs in <see cref="CleanContext"/>). A render that
    /// throws is a failed task; whatever async locals it set are dropped, so the next circuit's render never sees them.
    /// </summary>
    public Task Start(LiveCircuit circuit)
    {
        Task render;
        try
        {
            render = circuit.RenderAsync();
        }
        catch (Exception ex)
        {
            render = Task.FromException(ex);
        }

        if (!ReferenceEquals(ExecutionContext.Capture(), CleanContext))
        {
            ExecutionContext.Restore(CleanContext);
        }

        return render;
    }

    /// <summary>A render failed before or as it started (a disposed renderer, a failed dispatch): frees the circuit for the next change and logs.</summary>
    public void RenderFailed(LiveCircuit circuit, Task render)
    {
        circuit.RenderAbandoned();
        Log.DeliveryFailed(Logger, circuit.Id, render.Exception?.GetBaseException());
    }

    private static ExecutionContext CaptureCleanContext()
    {
        // A thread started without the caller's context has none: what it captures is the default, empty one.
        ExecutionContext? clean = null;
        var thread = new Thread(() => clean = ExecutionContext.Capture()) { IsBackground = true, Name = "LiveState clean context" };
        thread.UnsafeStart();
        thread.Join();
        return clean ?? throw new InvalidOperationException("No execution context could be captured.");
    }
}
