namespace LiveState.Blazor.Circuits;

/// <summary>
/// The registry's entry for one live circuit: its identity, the things in it that re-render
/// (<see cref="ILiveRenderTarget"/>), and the changes waiting for its next render. Mutated only by
/// <see cref="CircuitRegistry"/>, the circuit's scope and the broadcaster.
/// </summary>
/// <remarks>
/// Renders coalesce per circuit: the first change claims a render and dispatches it; changes that arrive before that
/// render starts join it; the render re-renders every target that wants any of the changes it took.
/// </remarks>
internal sealed class LiveCircuit
{
    // The render state, one int changed atomically: a broadcast claims a render with one Interlocked.Or, and a render
    // takes what it renders with one Interlocked.Exchange; only slot and presence changes (a list) take the gate.
    private const int Queued = 1; // a render was dispatched and has not started
    private const int PendingBroadcast = 2; // a broadcast waits for the next render
    private const int Listed = 4; // slot or presence changes wait in _pending

    private readonly Func<Task> _drain; // Drain, allocated once: each render hands it to a target's dispatcher
    private readonly Action _drainNow; // DrainNow, likewise, for targets that take synchronous work
    private volatile LiveCircuitInfo _info;
    private ILiveRenderTarget[] _targets = [];
    private volatile bool _takesBroadcasts; // written under Gate with _targets: whether any target takes broadcasts
    private Dictionary<string, int>? _watching; // under Gate: groups watched by id, with their watch counts
    private bool _reporting; // under Gate: a thread is raising this circuit's registry changes
    private Queue<LiveCircuitChangedEventArgs>? _unreported; // under Gate: changes made while one was being raised, in order
    private int _state; // Queued | PendingBroadcast | Listed
    private List<LiveChange>? _pending; // under Gate
    private int _renders;

    public LiveCircuit(LiveCircuitInfo info)
    {
        _info = info;
        _drain = Drain;
        _drainNow = DrainNow;
    }

    public string Id => _info.CircuitId;

    /// <summary>
    /// Guards the circuit's registry state (<see cref="Removed"/>, <see cref="Info"/>, its indexing), its targets and
    /// watched groups, and the order of its registry changes. Taken by <see cref="CircuitRegistry"/> for every
    /// transition of the circuit; never held while calling out (handlers, renders).
    /// </summary>
    public Lock Gate { get; } = new();

    public LiveCircuitInfo Info
    {
        get => _info;
        set => _info = value;
    }

    /// <summary>The browser id the circuit's principal carried (null without the LiveState cookie). Never leaves the server.</summary>
    public string? BrowserId { get; set; }

    /// <summary>Set under <see cref="Gate"/> once the registry removed it; a removed entry is never re-indexed.</summary>
    public bool Removed { get; set; }

    /// <summary>Told, under <see cref="Gate"/>, when a target starts or stops watching a group the circuit is not a member of (the registry indexes watchers).</summary>
    public Action<LiveCircuit, string, bool>? WatchChanged { get; set; }

    public ILiveRenderTarget[] Targets => Volatile.Read(ref _targets);

    /// <summary>Renders that re-rendered at least one target (tests and the Testing package count them).</summary>
    public int Renders => Volatile.Read(ref _renders);

    /// <summary>Whether the circuit has anything a broadcast re-renders; a broadcast counts only such circuits.</summary>
    public bool HasTargets => _takesBroadcasts;

    /// <summary>Whether a render for <paramref name="change"/> would re-render anything in this circuit.</summary>
    public bool Wants(in LiveChange change)
    {
        if (change.Kind == LiveChangeKind.Broadcast)
        {
            return _takesBroadcasts;
        }

        var identity = _info.Identity;
        foreach (var target in Targets)
        {
            if (target.Wants(change, identity))
            {
                return true;
            }
        }

        return false;
    }

    public void AddTarget(ILiveRenderTarget target)
    {
        lock (Gate)
        {
            if (Array.IndexOf(_targets, target) < 0)
            {
                SetTargets([.. _targets, target]);
            }
        }
    }

    public void RemoveTarget(ILiveRenderTarget target)
    {
        lock (Gate)
        {
            var index = Array.IndexOf(_targets, target);
            if (index < 0)
            {
                return;
            }

            var next = new ILiveRenderTarget[_targets.Length - 1];
            Array.Copy(_targets, 0, next, 0, index);
            Array.Copy(_targets, index + 1, next, index, _targets.Length - index - 1);
            SetTargets(next);
        }
    }

    /// <summary>Drops every target: the circuit closed, and nothing may keep its components alive (removed entries linger in the registry's ordered list until it compacts).</summary>
    public void ClearTargets()
    {
        lock (Gate)
        {
            SetTargets([]);
        }
    }

    // Under Gate.
    private void SetTargets(ILiveRenderTarget[] targets)
    {
        Volatile.Write(ref _targets, targets);
        _takesBroadcasts = Array.Exists(targets, static t => t.TakesBroadcasts);
    }

    /// <summary>A target starts reading <paramref name="groupId"/> by its id (it may not be a group of the circuit): changes of that group must reach the circuit.</summary>
    public void Watch(string groupId)
    {
        lock (Gate)
        {
            _watching ??= new Dictionary<string, int>(StringComparer.Ordinal);
            var count = _watching.GetValueOrDefault(groupId);
            _watching[groupId] = count + 1;
            if (count == 0)
            {
                WatchChanged?.Invoke(this, groupId, true);
            }
        }
    }

    /// <summary>Undoes one <see cref="Watch"/>.</summary>
    public void Unwatch(string groupId)
    {
        lock (Gate)
        {
            if (_watching is null || !_watching.TryGetValue(groupId, out var count))
            {
                return;
            }

            if (count > 1)
            {
                _watching[groupId] = count - 1;
                return;
            }

            _watching.Remove(groupId);
            WatchChanged?.Invoke(this, groupId, false);
        }
    }

    /// <summary>The groups the circuit's targets watch (a snapshot).</summary>
    public string[] Watching()
    {
        lock (Gate)
        {
            return _watching is null ? [] : [.. _watching.Keys];
        }
    }

    /// <summary>
    /// Under <see cref="Gate"/>, right after the registry changed the circuit: queues the change to be raised. True means
    /// the caller raises it (and then each change <see cref="NextUnreported"/> hands it) once it left the gate; false
    /// means another thread is raising this circuit's changes and raises this one after those before it.
    /// </summary>
    public bool Report(LiveCircuitChangedEventArgs change)
    {
        if (!_reporting)
        {
            _reporting = true;
            return true;
        }

        (_unreported ??= new Queue<LiveCircuitChangedEventArgs>(2)).Enqueue(change);
        return false;
    }

    /// <summary>The next change to raise for the thread that is raising this circuit's changes, or null: that thread is done.</summary>
    public LiveCircuitChangedEventArgs? NextUnreported()
    {
        lock (Gate)
        {
            if (_unreported is { Count: > 0 } queue)
            {
                return queue.Dequeue();
            }

            _reporting = false;
            return null;
        }
    }

    /// <summary>
    /// Adds <paramref name="change"/> to the circuit's next render. True means the caller claimed that render and must
    /// dispatch it (<see cref="RenderAsync"/>); false means a render is already on its way and takes this change along.
    /// </summary>
    public bool TryClaim(in LiveChange change)
    {
        if (change.Kind == LiveChangeKind.Broadcast)
        {
            return (Interlocked.Or(ref _state, Queued | PendingBroadcast) & Queued) == 0;
        }

        lock (Gate)
        {
            _pending ??= new List<LiveChange>(2);
            if (!_pending.Contains(change))
            {
                _pending.Add(change);
            }

            return (Interlocked.Or(ref _state, Queued | Listed) & Queued) == 0;
        }
    }

    /// <summary>
    /// Dispatches the claimed render on the circuit's dispatcher (through the first target that has one; with none, the
    /// targets render from this thread). The task completes when every target wanting the changes was told to render.
    /// </summary>
    public Task RenderAsync()
    {
        foreach (var target in Targets)
        {
            if (target.Invoke(_drainNow) is { } ran)
            {
                return ran.IsCompletedSuccessfully ? Task.CompletedTask : Unfinished(ran);
            }

            if (target.InvokeAsync(_drain) is { } dispatched)
            {
                return dispatched;
            }
        }

        return Drain();
    }

    /// <summary>
    /// <see cref="Drain"/> as synchronous work for a dispatcher. A render that did not complete synchronously (a
    /// target rendering asynchronously) or failed hands its task back through the dispatched task's exception: the
    /// slow path, which costs an exception, never the usual one.
    /// </summary>
    private void DrainNow()
    {
        var render = Drain();
        if (!render.IsCompletedSuccessfully)
        {
            throw new UnfinishedRender(render);
        }
    }

    /// <summary>The render behind a synchronous dispatch that did not complete successfully at once.</summary>
    private static Task Unfinished(Task dispatched)
    {
        if (dispatched.IsFaulted && dispatched.Exception.InnerException is UnfinishedRender { Render: var render })
        {
            return render;
        }

        return dispatched.IsCompleted ? dispatched : AfterAsync(dispatched);

        static async Task AfterAsync(Task dispatched)
        {
            try
            {
                await dispatched.ConfigureAwait(false);
            }
            catch (UnfinishedRender unfinished)
            {
                await unfinished.Render.ConfigureAwait(false);
            }
        }
    }

    /// <summary>A dispatch failed before the render could start (a disposed renderer): the next change claims anew.</summary>
    public void RenderAbandoned()
    {
        if ((Interlocked.Exchange(ref _state, 0) & Listed) != 0)
        {
            lock (Gate)
            {
                _pending = null;
            }
        }
    }

    private Task Drain()
    {
        // From here on, a new change claims a new render: this one has read what it renders. A slot change listed
        // after the exchange claimed that new render, which takes it (or finds it taken here, and renders nothing).
        var taken = Interlocked.Exchange(ref _state, 0);
        var broadcast = (taken & PendingBroadcast) != 0;
        List<LiveChange>? changes = null;
        if ((taken & Listed) != 0)
        {
            lock (Gate)
            {
                changes = _pending;
                _pending = null;
            }
        }

        var identity = _info.Identity;
        var rendered = false;
        List<Task>? running = null;
        List<Exception>? failures = null;
        foreach (var target in Targets)
        {
            if (!(broadcast && target.TakesBroadcasts) && !WantsAny(target, changes, identity))
            {
                continue;
            }

            try
            {
                var render = target.Render();
                rendered = true;
                if (!render.IsCompletedSuccessfully)
                {
                    (running ??= []).Add(render);
                }
            }
            catch (Exception ex)
            {
                // One failing target must not keep the others of the circuit from rendering.
                (failures ??= []).Add(ex);
            }
        }

        if (rendered)
        {
            // Not atomic: renders through a dispatcher (every circuit with a component) run one at a time; a circuit of
            // callbacks only may lose a count when two renders overlap. It is a diagnostic count, and this is the hot path.
            Volatile.Write(ref _renders, _renders + 1);
        }

        if (failures is not null)
        {
            return Task.FromException(failures.Count == 1 ? failures[0] : new AggregateException(failures));
        }

        return running is null ? Task.CompletedTask : Task.WhenAll(running);
    }

    private static bool WantsAny(ILiveRenderTarget target, List<LiveChange>? changes, LiveIdentity identity)
    {
        if (changes is null)
        {
            return false;
        }

        foreach (var change in changes)
        {
            if (target.Wants(change, identity))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Carries, out of a dispatcher's synchronous work item, a render that did not complete successfully at once.</summary>
/// <param name="render">The render.</param>
internal sealed class UnfinishedRender(Task render) : Exception("A render did not complete synchronously.")
{
    public Task Render { get; } = render;
}
