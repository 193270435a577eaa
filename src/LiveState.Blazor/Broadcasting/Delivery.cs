using LiveState.Blazor.Circuits;
using LiveState.Blazor.Internal;

namespace LiveState.Blazor.Broadcasting;

/// <summary>
/// The part of a broadcast its caller must wait for: renders still running when their thread moved on (a busy or hung
/// circuit), and circuits handed to the thread pool once the caller's slice was used (<see cref="InlineDelivery"/>).
/// Workers (<see cref="DeliveryWorker"/>) take the circuits one at a time from a shared index, so a render that blocks
/// holds up only its own thread; each worker, when it first starts with work left, queues a further one (as
/// <c>Parallel.For</c> does), and yields its thread after a slice so one big broadcast never starves the pool.
/// The caller waits until every circuit finished or its deadline (<see cref="SlowRenderWatchdog"/>) passed.
/// </summary>
/// <remarks>
/// Only the slow path allocates this, its task and its deadline; workers render in a clean execution context (the
/// pool's), and write shared state once per slice, not per circuit.
/// </remarks>
internal sealed class Delivery
{
    private readonly DeliveryEngine _engine;
    private readonly BroadcastTelemetry _telemetry;
    private readonly LiveChange _change;
    private readonly string? _except;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LiveCircuit[] _circuits = []; // the circuits handed to workers: indexes _next (taken by Interlocked) to _end
    private int _next;
    private int _end;
    private List<LiveCircuit>? _gathered; // circuits handed over from several sources, before the workers start
    private int _unfinished = 1; // under _gate: renders running and circuits not yet done, plus one until the caller waits
    private int _reached; // under _gate
    private int _failures; // under _gate: renders that failed before the caller stopped waiting
    private TimeSpan _timedOutAfter; // under _gate, with _closed
    private volatile bool _closed; // written under _gate: the caller stopped waiting
    private List<(LiveCircuit Circuit, Task Render)>? _running; // under _gate: renders still running when their thread moved on

    public Delivery(DeliveryEngine engine, BroadcastTelemetry telemetry, in LiveChange change, string? exceptCircuitId)
    {
        _engine = engine;
        _telemetry = telemetry;
        _change = change;
        _except = exceptCircuitId;
    }

    /// <summary>
    /// A claimed render that is still running as its thread moves on (its circuit's dispatcher is busy, or the render
    /// awaits): counted when it completes; logged as slow if the caller stopped waiting first.
    /// </summary>
    public void Track(LiveCircuit circuit, Task render) => Watch(circuit, render, counted: false);

    /// <param name="circuit">The circuit.</param>
    /// <param name="render">Its render, still running.</param>
    /// <param name="counted">Whether the circuit is among the unfinished already (handed to the workers).</param>
    private void Watch(LiveCircuit circuit, Task render, bool counted)
    {
        bool watched;
        lock (_gate)
        {
            if (!counted)
            {
                _unfinished++;
            }

            watched = !_closed;
            if (watched)
            {
                (_running ??= []).Add((circuit, render));
            }
        }

        // Not inline: the render completes on the circuit's dispatcher, and the caller must not resume there.
        render.ContinueWith(
            static (task, state) =>
            {
                var (delivery, circuit, watched) = ((Delivery, LiveCircuit, bool))state!;
                delivery.Finished(circuit, task, watched);
            },
            (this, circuit, watched),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    /// <summary>Hands circuits <paramref name="start"/> to <paramref name="end"/> (not yet claimed) to the workers. The caller only, before <see cref="RunAsync"/>.</summary>
    public void HandOff(LiveCircuit[] circuits, int start, int end)
    {
        if (start >= end)
        {
            return;
        }

        if (_gathered is null && _end == 0)
        {
            // One source (the usual case): its array is used as it is, never copied.
            _circuits = circuits;
            _next = start;
            _end = end;
            return;
        }

        if (_gathered is null)
        {
            _gathered = [.. _circuits.AsSpan(_next, _end - _next)];
        }

        _gathered.AddRange(circuits.AsSpan(start, end - start));
    }

    /// <summary>The caller's part is done: starts the workers on what it handed off, and waits for everything to finish or the deadline.</summary>
    /// <param name="reached">Circuits the caller reached itself.</param>
    /// <param name="failures">Renders that failed on the caller's thread.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public ValueTask<int> RunAsync(int reached, int failures, CancellationToken cancellationToken)
    {
        if (_gathered is not null)
        {
            _circuits = [.. _gathered];
            _next = 0;
            _end = _circuits.Length;
            _gathered = null;
        }

        var handedOff = _end - _next;
        bool finished;
        lock (_gate)
        {
            _reached += reached;
            _failures += failures;

            // The caller's own share ends here; with circuits handed off the count cannot reach zero before they finish.
            _unfinished += handedOff - 1;
            finished = _unfinished == 0;
            reached = _reached;
            failures = _failures;
        }

        if (handedOff > 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(new DeliveryWorker(this), preferLocal: false);
        }

        if (!finished)
        {
            return WaitAsync(cancellationToken);
        }

        _telemetry.Completed(reached, failures);
        return ValueTask.FromResult(reached);
    }

    /// <summary>The deadline passed: the caller stops waiting (called by the watchdog).</summary>
    public void DeadlinePassed() => _finished.TrySetResult();

    /// <summary>Renders circuits until none is left or the slice is used up; returns whether any is left.</summary>
    /// <param name="replicate">Whether this is a worker's first run: it queues one more worker while two or more circuits wait.</param>
    public bool Work(bool replicate)
    {
        var circuits = _circuits;
        var end = _end;
        var change = _change;
        var except = _except;
        var engine = _engine;

        // Workers multiply as fast as the pool finds threads for them, so no number of blocked renders stops the rest.
        if (replicate && end - Volatile.Read(ref _next) >= 2)
        {
            ThreadPool.UnsafeQueueUserWorkItem(new DeliveryWorker(this), preferLocal: false);
        }

        var started = engine.Time.GetTimestamp();
        var reached = 0;
        var finished = 0;
        var more = true;
        for (var done = 1; ; done++)
        {
            var index = Interlocked.Increment(ref _next) - 1;
            if (index >= end)
            {
                more = false;
                break;
            }

            var circuit = circuits[index];
            switch (RenderClaim.TryClaim(circuit, change, except))
            {
                case ClaimOutcome.Skipped:
                    finished++;
                    continue;
                case ClaimOutcome.Coalesced:
                    reached++;
                    finished++;
                    continue;
            }

            var render = engine.Start(circuit);
            if (render.IsCompletedSuccessfully && !_closed)
            {
                reached++;
                finished++;
            }
            else
            {
                Settle(circuit, render);
            }

            if (done % InlineDelivery.CheckEvery == 0 && engine.Time.GetTimestamp() - started > engine.SliceTicks)
            {
                break;
            }
        }

        Publish(reached, finished);
        return more;
    }

    /// <summary>A worker's render that failed, is still running, or finished after the caller stopped waiting: it counts itself.</summary>
    private void Settle(LiveCircuit circuit, Task render)
    {
        if (render.IsCompleted)
        {
            Finished(circuit, render, watched: false);
        }
        else
        {
            Watch(circuit, render, counted: true);
        }
    }

    /// <summary>Adds a worker's renders to the delivery's counts; the caller reads them once the last circuit finished.</summary>
    private void Publish(int reached, int finished)
    {
        if (finished == 0)
        {
            return;
        }

        bool last;
        lock (_gate)
        {
            // Once the caller stopped waiting it has its count; later ones were not reached in time.
            if (!_closed)
            {
                _reached += reached;
            }

            last = (_unfinished -= finished) == 0;
        }

        if (last)
        {
            _finished.TrySetResult();
        }
    }

    /// <param name="circuit">The circuit.</param>
    /// <param name="render">Its completed render.</param>
    /// <param name="watched">Whether the caller, if it timed out, already logged this render as slow.</param>
    private void Finished(LiveCircuit circuit, Task render, bool watched)
    {
        var succeeded = render.IsCompletedSuccessfully;
        if (!succeeded)
        {
            _engine.RenderFailed(circuit, render);
        }

        TimeSpan timedOutAfter;
        bool counted;
        bool last;
        lock (_gate)
        {
            timedOutAfter = _timedOutAfter;
            counted = !_closed;
            if (counted)
            {
                if (succeeded)
                {
                    _reached++;
                }
                else
                {
                    _failures++;
                }
            }

            last = --_unfinished == 0;
        }

        if (!succeeded && counted)
        {
            // After the caller stopped waiting, a failure was already counted as a timeout.
            _telemetry.DeliveryFailed(BroadcastTelemetry.ErrorType(render), 1);
        }
        else if (succeeded && timedOutAfter > TimeSpan.Zero && !watched)
        {
            // It started only after the caller gave up (blocked behind slow renders): not reached in time.
            Log.DeliverySlow(_engine.Logger, circuit.Id, timedOutAfter);
        }

        if (last)
        {
            _finished.TrySetResult();
        }
    }

    private async ValueTask<int> WaitAsync(CancellationToken cancellationToken)
    {
        var timeout = _engine.DeliveryTimeout;

        // Quick renders may have finished already: then no deadline is armed.
        using (_finished.Task.IsCompleted ? null : _engine.Watchdog.Watch(this, timeout))
        {
            try
            {
                await _finished.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                Close(timeout: TimeSpan.Zero);
                _telemetry.Failed(ex);
                throw;
            }
        }

        var (reached, failures, unfinished, running) = Close(timeout);
        if (unfinished == 0)
        {
            _telemetry.Completed(reached, failures);
            return reached;
        }

        // The deadline passed first.
        foreach (var (circuit, render) in running ?? [])
        {
            if (!render.IsCompleted)
            {
                Log.DeliverySlow(_engine.Logger, circuit.Id, timeout);
            }
        }

        // Every worker may be stuck in a blocking render: one more makes sure the rest still render.
        if (Volatile.Read(ref _next) < _end)
        {
            ThreadPool.UnsafeQueueUserWorkItem(new DeliveryWorker(this), preferLocal: false);
        }

        // Every circuit not finished by now, running or not yet started, failed by timing out.
        _telemetry.DeliveryFailed(BroadcastTelemetry.Timeout, unfinished);
        _telemetry.Completed(reached, failures + unfinished);
        return reached;
    }

    /// <summary>Stops counting: renders that finish from now on are not reached (failures are still logged).</summary>
    /// <param name="timeout">The timeout, recorded if circuits are still unfinished (they are logged slow as they finish).</param>
    private (int Reached, int Failures, int Unfinished, List<(LiveCircuit Circuit, Task Render)>? Running) Close(TimeSpan timeout)
    {
        lock (_gate)
        {
            _closed = true;
            if (_unfinished > 0)
            {
                _timedOutAfter = timeout;
            }

            return (_reached, _failures, _unfinished, _running);
        }
    }
}
