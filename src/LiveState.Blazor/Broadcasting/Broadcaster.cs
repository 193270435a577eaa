using System.Diagnostics;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Broadcasting;

/// <summary>Delivers broadcasts to the circuits of this server.</summary>
internal sealed class Broadcaster : ILiveBroadcaster
{
    // Up to this many user ids are told apart by comparing them with each other instead of through a set.
    private const int SmallUserList = 16;

    private readonly CircuitRegistry _registry;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly ILogger _logger;
    private readonly LiveStateMetrics _metrics;

    public Broadcaster(CircuitRegistry registry, IOptionsMonitor<LiveStateOptions> options, LiveStateMetrics metrics, ILogger<Broadcaster> logger)
    {
        _registry = registry;
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    public ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var batch = new DeliveryBatch(BroadcastTelemetry.Start(_metrics, BroadcastTarget.Filter), exceptCircuitId, capacity: 16);
        var (circuits, count) = _registry.AllCircuitsInOrder();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var circuit = circuits[i];
                if (!circuit.Removed && filter(circuit.Info))
                {
                    batch.Claim(circuit);
                }
            }
        }
        catch (Exception ex)
        {
            batch.Abort(this, ex);
            throw;
        }

        return batch.DeliverAsync(this, cancellationToken);
    }

    public ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);

        // A circuit has one user, so distinct users never share a circuit; only repeated ids need care.
        if (userIds is IReadOnlyList<string> { Count: <= SmallUserList } list)
        {
            // Every id is checked before any circuit is claimed: a claimed render must be delivered.
            for (var i = 0; i < list.Count; i++)
            {
                ArgumentNullException.ThrowIfNull(list[i], nameof(userIds));
            }

            var small = new DeliveryBatch(BroadcastTelemetry.Start(_metrics, BroadcastTarget.Users), exceptCircuitId, capacity: 4);
            for (var i = 0; i < list.Count; i++)
            {
                if (!SeenBefore(list, i))
                {
                    small.ClaimAll(_registry.CircuitsOfUser(list[i]));
                }
            }

            return small.DeliverAsync(this, cancellationToken);
        }

        var batch = new DeliveryBatch(BroadcastTelemetry.Start(_metrics, BroadcastTarget.Users), exceptCircuitId, capacity: 4);
        HashSet<string>? seen = null;
        string? first = null;
        try
        {
            foreach (var userId in userIds)
            {
                ArgumentNullException.ThrowIfNull(userId, nameof(userIds));
                if (first is null)
                {
                    first = userId;
                }
                else if (!(seen ??= new HashSet<string>(StringComparer.Ordinal) { first }).Add(userId))
                {
                    continue;
                }

                batch.ClaimAll(_registry.CircuitsOfUser(userId));
            }
        }
        catch (Exception ex)
        {
            batch.Abort(this, ex);
            throw;
        }

        return batch.DeliverAsync(this, cancellationToken);
    }

    public ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var circuits = _registry.CircuitsOfGroup(groupId);
        var batch = new DeliveryBatch(BroadcastTelemetry.Start(_metrics, BroadcastTarget.Group, groupId), exceptCircuitId, circuits.Length);
        batch.ClaimAll(circuits);
        return batch.DeliverAsync(this, cancellationToken);
    }

    public ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        // The workers claim straight from the registry's snapshot: one pass over the circuits, nothing copied.
        var telemetry = BroadcastTelemetry.Start(_metrics, BroadcastTarget.All);
        var (circuits, count) = _registry.AllCircuitsInOrder();
        if (count == 0)
        {
            telemetry.Completed(reached: 0, failures: 0);
            return ValueTask.FromResult(0);
        }

        return new Delivery(this, telemetry, circuits, count, claimed: false, exceptCircuitId).RunAsync(coalesced: 0, cancellationToken);
    }

    public ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        var batch = new DeliveryBatch(BroadcastTelemetry.Start(_metrics, BroadcastTarget.Circuit, circuitId: circuitId), exceptCircuitId: null, capacity: 1);
        if (_registry.FindCircuit(circuitId) is { } circuit)
        {
            batch.Claim(circuit);
        }

        return batch.DeliverAsync(this, cancellationToken);
    }

    /// <summary>
    /// Re-renders, in this server's circuits, what reads a slot or the presence of <paramref name="change"/>'s group:
    /// the targets of the group's circuits (members) and of the circuits watching it by id. Circuits with nothing that
    /// reads it are not touched. Returns how many circuits it reached.
    /// </summary>
    public ValueTask<int> NotifyAsync(LiveChange change, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var groupId = change.GroupId ?? throw new ArgumentException("A slot or presence change names its group.", nameof(change));
        var members = _registry.CircuitsOfGroup(groupId);
        var watchers = _registry.CircuitsWatching(groupId);
        var batch = new DeliveryBatch(default, change, exceptCircuitId, members.Length + watchers.Length);
        batch.ClaimAll(members);
        batch.ClaimAll(watchers);
        return batch.DeliverAsync(this, cancellationToken);
    }

    private static bool SeenBefore(IReadOnlyList<string> list, int index)
    {
        var userId = list[index];
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(list[i], userId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Collects one broadcast's circuits on the caller's thread: those that need a render are claimed (so bursts
    /// coalesce), those with a render already queued count as reached. Nothing is allocated until a claim succeeds.
    /// </summary>
    private struct DeliveryBatch
    {
        private readonly BroadcastTelemetry _telemetry;
        private readonly LiveChange _change;
        private readonly string? _except;
        private readonly int _capacity;
        private LiveCircuit[]? _claimed;
        private int _count;
        private int _coalesced;

        public DeliveryBatch(BroadcastTelemetry telemetry, string? exceptCircuitId, int capacity)
            : this(telemetry, LiveChange.Broadcast, exceptCircuitId, capacity)
        {
        }

        public DeliveryBatch(BroadcastTelemetry telemetry, LiveChange change, string? exceptCircuitId, int capacity)
        {
            _telemetry = telemetry;
            _change = change;
            _except = exceptCircuitId;
            _capacity = Math.Max(1, capacity);
        }

        public void ClaimAll(LiveCircuit[] circuits)
        {
            foreach (var circuit in circuits)
            {
                Claim(circuit);
            }
        }

        public void Claim(LiveCircuit circuit)
        {
            if (_except is not null && string.Equals(circuit.Id, _except, StringComparison.Ordinal))
            {
                return;
            }

            if (!circuit.Wants(_change))
            {
                return;
            }

            if (!circuit.TryClaim(_change))
            {
                // A render is queued and has not started: it will show this change too.
                _coalesced++;
                return;
            }

            _claimed ??= new LiveCircuit[_capacity];
            if (_count == _claimed.Length)
            {
                Array.Resize(ref _claimed, _count * 2);
            }

            _claimed[_count++] = circuit;
        }

        public readonly ValueTask<int> DeliverAsync(Broadcaster owner, CancellationToken cancellationToken)
        {
            if (_claimed is null)
            {
                _telemetry.Completed(_coalesced, failures: 0);
                return ValueTask.FromResult(_coalesced);
            }

            return new Delivery(owner, _telemetry, _claimed, _count, claimed: true, exceptCircuitId: null).RunAsync(_coalesced, cancellationToken);
        }

        /// <summary>
        /// Collecting the circuits threw (a filter, an enumeration): the renders already claimed are still delivered,
        /// unawaited, since a claimed render that never runs would leave its circuit deaf to every later broadcast.
        /// </summary>
        public readonly void Abort(Broadcaster owner, Exception exception)
        {
            _telemetry.Failed(exception);
            if (_claimed is not null)
            {
                _ = new Delivery(owner, default, _claimed, _count, claimed: true, exceptCircuitId: null).RunAsync(_coalesced, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Renders one broadcast's claimed circuits: the caller renders the first slice (up to 1 ms) itself, thread-pool
    /// workers the rest. Caller and workers take the circuits one at a time from a shared index, so a render that runs
    /// long (inline on an idle dispatcher) holds up only its own thread; with two or more circuits the
    /// <see cref="InlineWatchdog"/> hands the rest to a worker should one render hold the caller's thread, and each
    /// worker, when it first starts with work left, queues a further worker (as <c>Parallel.For</c> does), so the
    /// others go on even while renders block. A worker yields its thread after a short slice so that one big broadcast
    /// never starves the pool's other work.
    /// </summary>
    /// <remarks>
    /// A render that completes inside its worker (an idle dispatcher: the usual case) costs no task, continuation
    /// or shared write beyond taking its index. Only a render still running when its worker moves on (a busy or
    /// hung circuit) is remembered, to be logged if it outlives <see cref="LiveStateOptions.DeliveryTimeout"/>.
    /// No execution context flows: each circuit renders in a clean context, never with the sender's async locals.
    /// </remarks>
    private sealed class Delivery : IThreadPoolWorkItem
    {
        private static readonly long Slice = Stopwatch.Frequency / 1000; // 1 ms
        private static readonly ExecutionContext Clean = CleanContext();

        private static ExecutionContext CleanContext()
        {
            ExecutionContext? clean = null;
            using (ExecutionContext.SuppressFlow())
            {
                var thread = new Thread(() => clean = ExecutionContext.Capture());
                thread.Start();
                thread.Join();
            }

            return clean!;
        }

        private readonly Broadcaster _owner;
        private readonly BroadcastTelemetry _telemetry;
        private readonly LiveCircuit[] _circuits;
        private readonly int _count;
        private readonly bool _claimed;
        private readonly string? _except;
        private readonly TaskCompletionSource _finished = new();
        private bool _started;
        private PaddedIndex _next; // taken by every worker for every circuit: a cache line of its own
        private int _unfinished; // under lock (this): circuits whose render has not finished, plus one while the caller dispatches
        private int _reached; // under lock (this)
        private int _failures; // under lock (this): renders that failed before the caller stopped waiting
        private TimeSpan _timedOutAfter; // under lock (this), with _closed
        private volatile bool _closed; // written under lock (this): the caller stopped waiting
        private List<(LiveCircuit Circuit, Task Render)>? _running; // under lock (this)
        private bool _inlineMore; // what the caller's inline slice returned

        /// <summary>The watchdog's last look at <see cref="Progress"/>; -1 before its first.</summary>
        internal int WatchdogSeen = -1;

        /// <summary>How many circuits were taken so far.</summary>
        internal int Progress => Volatile.Read(ref _next.Value);

        /// <summary>Whether circuits wait that nobody took yet.</summary>
        internal bool HasWaiting => Progress < _count;

        /// <summary>The caller's thread is held by one render with circuits waiting: a worker takes over the rest.</summary>
        internal void Rescue() => ThreadPool.UnsafeQueueUserWorkItem(new Worker(this), preferLocal: false);

        /// <param name="owner">The broadcaster.</param>
        /// <param name="telemetry">The broadcast's metrics and span, ended when the caller has its count.</param>
        /// <param name="circuits">The circuits, in the first <paramref name="count"/> entries.</param>
        /// <param name="count">How many.</param>
        /// <param name="claimed">Whether the caller claimed every render already; if not, the workers check and claim each circuit.</param>
        /// <param name="exceptCircuitId">With unclaimed circuits: the one to leave out.</param>
        public Delivery(Broadcaster owner, BroadcastTelemetry telemetry, LiveCircuit[] circuits, int count, bool claimed, string? exceptCircuitId)
        {
            _owner = owner;
            _telemetry = telemetry;
            _circuits = circuits;
            _count = count;
            _claimed = claimed;
            _except = exceptCircuitId;
            _unfinished = count + 1;
        }

        public ValueTask<int> RunAsync(int coalesced, CancellationToken cancellationToken)
        {
            // The caller renders the first slice itself: with idle dispatchers (the usual case) a broadcast then
            // completes without a thread hand-off, as a hand-written event would. With two or more circuits the
            // watchdog looks on: should one render hold the caller's thread (a blocking component) while others wait,
            // it hands them to workers within a tick or two, so a blocking render holds up no other circuit.
            var watched = _count >= 2;
            if (watched)
            {
                InlineWatchdog.Watch(this);
            }

            // No execution context flows: each circuit renders in a clean one, never with the sender's async locals.
            ExecutionContext.Run(Clean, static state => { var self = (Delivery)state!; self._inlineMore = self.Work(replicate: false); }, this);
            if (watched)
            {
                InlineWatchdog.Unwatch(this);
            }

            if (_inlineMore)
            {
                // The slice ran out with circuits left: workers take over, multiplying as the pool finds threads.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            bool finished;
            int reached, failures;
            lock (this)
            {
                finished = --_unfinished == 0;
                reached = coalesced + _reached;
                failures = _failures;
            }

            if (!finished)
            {
                return WaitAsync(coalesced, cancellationToken);
            }

            _telemetry.Completed(reached, failures);
            return ValueTask.FromResult(reached);
        }

        void IThreadPoolWorkItem.Execute()
        {
            var first = !_started;
            _started = true;
            if (Work(replicate: first))
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }

        /// <summary>Renders circuits until none is left or the slice is used up; returns whether any is left.</summary>
        public bool Work(bool replicate)
        {
            var circuits = _circuits;
            var count = _count;

            // Each worker's first run queues one more while at least two circuits wait: the workers multiply as fast
            // as the pool finds threads for them, and no number of blocked renders can stop the rest.
            if (replicate && count - Volatile.Read(ref _next.Value) >= 2)
            {
                ThreadPool.UnsafeQueueUserWorkItem(new Worker(this), preferLocal: false);
            }

            var started = Stopwatch.GetTimestamp();
            var reached = 0;
            var finished = 0;
            var more = true;
            for (var done = 1; ; done++)
            {
                var index = Interlocked.Increment(ref _next.Value) - 1;
                if (index >= count)
                {
                    more = false;
                    break;
                }

                var circuit = circuits[index];
                if (!_claimed)
                {
                    if (circuit.Removed || !circuit.HasTargets || (_except is not null && string.Equals(circuit.Id, _except, StringComparison.Ordinal)))
                    {
                        finished++;
                        continue;
                    }

                    if (!circuit.TryClaim(LiveChange.Broadcast))
                    {
                        // A render is queued and has not started: it will show this change too.
                        reached++;
                        finished++;
                        continue;
                    }
                }

                var render = Render(circuit);
                if (render.IsCompletedSuccessfully && !_closed)
                {
                    reached++;
                    finished++;
                }
                else
                {
                    Settle(circuit, render);
                }

                if (done % 8 == 0 && Stopwatch.GetTimestamp() - started > Slice)
                {
                    break;
                }
            }

            Publish(reached, finished);
            return more;
        }

        /// <summary>Adds a worker's renders to the delivery's counts; the caller reads the count once the last circuit finished.</summary>
        private void Publish(int reached, int finished)
        {
            if (finished == 0)
            {
                return;
            }

            bool last;
            lock (this)
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

        private static Task Render(LiveCircuit circuit)
        {
            try
            {
                return circuit.RenderAsync();
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
        }

        /// <summary>A render that failed, is still running, or finished after the caller stopped waiting.</summary>
        private void Settle(LiveCircuit circuit, Task render)
        {
            if (render.IsCompleted)
            {
                Finished(circuit, render, watched: false);
                return;
            }

            bool watched;
            lock (this)
            {
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

        /// <param name="circuit">The circuit.</param>
        /// <param name="render">Its completed render.</param>
        /// <param name="watched">Whether the caller, if it timed out, already logged this render as slow.</param>
        private void Finished(LiveCircuit circuit, Task render, bool watched)
        {
            var succeeded = render.IsCompletedSuccessfully;
            if (!succeeded)
            {
                // The render never started (disposed renderer, failed dispatch): free the circuit for the next broadcast.
                circuit.RenderAbandoned();
                Log.DeliveryFailed(_owner._logger, circuit.Id, render.Exception?.GetBaseException());
            }

            TimeSpan timedOutAfter;
            bool counted;
            bool last;
            lock (this)
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
                Log.DeliverySlow(_owner._logger, circuit.Id, timedOutAfter);
            }

            if (last)
            {
                _finished.TrySetResult();
            }
        }

        private async ValueTask<int> WaitAsync(int coalesced, CancellationToken cancellationToken)
        {
            var timeout = _owner._options.CurrentValue.DeliveryTimeout;
            try
            {
                await _finished.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
            {
                Close(timedOutAfter: TimeSpan.Zero);
                _telemetry.Failed(ex);
                throw;
            }
            catch (TimeoutException)
            {
                var (late, failures, timedOut, running) = Close(timeout);
                foreach (var (circuit, render) in running ?? [])
                {
                    if (!render.IsCompleted)
                    {
                        Log.DeliverySlow(_owner._logger, circuit.Id, timeout);
                    }
                }

                // Every worker may be stuck in a blocking render: one more makes sure the rest still render.
                if (Volatile.Read(ref _next.Value) < _count)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(new Worker(this), preferLocal: false);
                }

                // Every circuit not finished by now, running or not yet started, failed by timing out.
                _telemetry.DeliveryFailed(BroadcastTelemetry.Timeout, timedOut);
                _telemetry.Completed(coalesced + late, failures + timedOut);
                return coalesced + late;
            }

            var (reached, failed, _, _) = Close(TimeSpan.Zero);
            _telemetry.Completed(coalesced + reached, failed);
            return coalesced + reached;
        }

        /// <summary>Stops counting: renders that finish from now on are not reached (failures are still logged).</summary>
        private (int Reached, int Failures, int Unfinished, List<(LiveCircuit Circuit, Task Render)>? Running) Close(TimeSpan timedOutAfter)
        {
            lock (this)
            {
                _closed = true;
                _timedOutAfter = timedOutAfter;
                return (_reached, _failures, _unfinished, _running);
            }
        }
    }

    /// <summary>
    /// Looks after the broadcasts whose caller renders inline: every <see cref="Tick"/> it checks that each one took a
    /// circuit since its last look; one that did not (its caller's thread is held by one render) while circuits wait
    /// gets a worker, which multiplies as workers do. One shared timer, running only while broadcasts come; no thread
    /// wake-up for a broadcast that completes inline, which is what a broadcast to idle circuits does.
    /// </summary>
    private static class InlineWatchdog
    {
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
        private const int IdleTicksBeforeStop = 200;
        private static readonly Lock Gate = new();
        private static readonly List<Delivery> Watched = [];
        private static Timer? _timer;
        private static bool _running;
        private static bool _active; // a broadcast was watched since the last tick
        private static int _idleTicks;

        public static void Watch(Delivery delivery)
        {
            lock (Gate)
            {
                Watched.Add(delivery);
                _active = true;
                if (!_running)
                {
                    _running = true;
                    _idleTicks = 0;
                    if (_timer is null)
                    {
                        // No execution context flows into the timer's callbacks.
                        using (ExecutionContext.SuppressFlow())
                        {
                            _timer = new Timer(static _ => Check(), null, Tick, Tick);
                        }
                    }
                    else
                    {
                        _timer.Change(Tick, Tick);
                    }
                }
            }
        }

        public static void Unwatch(Delivery delivery)
        {
            lock (Gate)
            {
                // Usually the last one added: search from the end.
                var index = Watched.LastIndexOf(delivery);
                if (index >= 0)
                {
                    Watched.RemoveAt(index);
                }
            }
        }

        private static void Check()
        {
            List<Delivery>? stuck = null;
            lock (Gate)
            {
                for (var i = Watched.Count - 1; i >= 0; i--)
                {
                    var delivery = Watched[i];
                    var progress = delivery.Progress;
                    if (progress == delivery.WatchdogSeen && delivery.HasWaiting)
                    {
                        // No circuit taken for a whole tick: its caller is held. It is no longer watched once rescued.
                        (stuck ??= []).Add(delivery);
                        Watched.RemoveAt(i);
                    }
                    else
                    {
                        delivery.WatchdogSeen = progress;
                    }
                }

                if (Watched.Count == 0 && !_active && ++_idleTicks >= IdleTicksBeforeStop)
                {
                    _running = false;
                    _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                }
                else if (_active || Watched.Count > 0)
                {
                    _idleTicks = 0;
                }

                _active = false;
            }

            foreach (var delivery in stuck ?? [])
            {
                delivery.Rescue();
            }
        }
    }

    /// <summary>A further worker of a delivery; it requeues itself while its delivery has circuits left.</summary>
    private sealed class Worker(Delivery delivery) : IThreadPoolWorkItem
    {
        private bool _started;

        public void Execute()
        {
            var first = !_started;
            _started = true;
            if (delivery.Work(replicate: first))
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
        }
    }

    /// <summary>An index alone on its cache line, so that taking it never evicts the fields every worker reads.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct PaddedIndex
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public int Value;
    }
}

