namespace LiveState.Blazor.Broadcasting;

/// <summary>
/// Ends the wait of a broadcast's caller for renders that are slow: one deadline per delivery that must wait (a
/// render still running when its thread moved on, or circuits handed to the thread pool), armed through the host's
/// <see cref="TimeProvider"/> at <see cref="LiveStateOptions.DeliveryTimeout"/> and disarmed when the delivery
/// finishes first. A broadcast whose renders all complete on the caller's thread never comes here: an idle server
/// has no timer of the broadcaster's. One per host (a DI singleton); disposing it ends every wait it watches.
/// </summary>
internal sealed class SlowRenderWatchdog : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly HashSet<Deadline> _armed = [];
    private bool _disposed;

    public SlowRenderWatchdog(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Deadlines armed and not yet passed nor disarmed (tests look).</summary>
    internal int Armed
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>Calls <see cref="Delivery.DeadlinePassed"/> once <paramref name="timeout"/> passed, unless the returned deadline is disposed first.</summary>
    public IDisposable Watch(Delivery delivery, TimeSpan timeout)
    {
        var deadline = new Deadline(this, delivery);
        lock (_gate)
        {
            if (!_disposed)
            {
                _armed.Add(deadline);
                deadline.Arm(_time, timeout);
                return deadline;
            }
        }

        // The host is stopping: nobody waits any more.
        delivery.DeadlinePassed();
        return deadline;
    }

    public void Dispose()
    {
        Deadline[] armed;
        lock (_gate)
        {
            _disposed = true;
            armed = [.. _armed];
            _armed.Clear();
        }

        foreach (var deadline in armed)
        {
            deadline.Pass();
        }
    }

    private void Disarmed(Deadline deadline)
    {
        lock (_gate)
        {
            _armed.Remove(deadline);
        }
    }

    private sealed class Deadline(SlowRenderWatchdog owner, Delivery delivery) : IDisposable
    {
        private ITimer? _timer;
        private int _done;

        // Under the owner's gate, so that Dispose (which takes it) never misses the timer.
        public void Arm(TimeProvider time, TimeSpan timeout)
        {
            // The callback runs without the execution context of whoever armed it.
            var flow = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
            try
            {
                _timer = time.CreateTimer(static state => ((Deadline)state!).Pass(), this, timeout, Timeout.InfiniteTimeSpan);
            }
            finally
            {
                flow?.Undo();
            }
        }

        /// <summary>The deadline passed (or the watchdog is disposed): the delivery's caller stops waiting.</summary>
        public void Pass()
        {
            if (Disarm())
            {
                delivery.DeadlinePassed();
            }
        }

        /// <summary>The delivery finished (or gave up) before the deadline.</summary>
        public void Dispose() => Disarm();

        private bool Disarm()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return false;
            }

            owner.Disarmed(this);
            lock (owner._gate)
            {
                _timer?.Dispose();
            }

            return true;
        }
    }
}
