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
    private readonly Lock _pendingGate = new();
    private volatile LiveCircuitInfo _info;
    private ILiveRenderTarget[] _targets = [];
    private Dictionary<string, int>? _watching; // under lock (this): groups watched by id, with their watch counts
    private bool _queued; // under _pendingGate: a render was dispatched and has not started
    private bool _pendingBroadcast; // under _pendingGate
    private List<LiveChange>? _pending; // under _pendingGate
    private int _renders;

    public LiveCircuit(LiveCircuitInfo info)
    {
        _info = info;
    }

    public string Id => _info.CircuitId;

    public LiveCircuitInfo Info
    {
        get => _info;
        set => _info = value;
    }

    /// <summary>The browser id the circuit's principal carried (null without the LiveState cookie). Never leaves the server.</summary>
    public string? BrowserId { get; set; }

    /// <summary>Set under the entry's lock once the registry removed it; a removed entry is never re-indexed.</summary>
    public bool Removed { get; set; }

    /// <summary>Told when a target starts or stops watching a group the circuit is not a member of (the registry indexes watchers).</summary>
    public Action<LiveCircuit, string, bool>? WatchChanged { get; set; }

    public ILiveRenderTarget[] Targets => Volatile.Read(ref _targets);

    /// <summary>Renders that re-rendered at least one target (tests and the Testing package count them).</summary>
    public int Renders => Volatile.Read(ref _renders);

    /// <summary>Whether the circuit has anything a broadcast re-renders; a broadcast counts only such circuits.</summary>
    public bool HasTargets
    {
        get
        {
            foreach (var target in Targets)
            {
                if (target.TakesBroadcasts)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether a render for <paramref name="change"/> would re-render anything in this circuit.</summary>
    public bool Wants(in LiveChange change)
    {
        var targets = Targets;
        if (change.Kind == LiveChangeKind.Broadcast)
        {
            return HasTargets;
        }

        var identity = _info.Identity;
        foreach (var target in targets)
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
        lock (this)
        {
            if (Array.IndexOf(_targets, target) < 0)
            {
                Volatile.Write(ref _targets, [.. _targets, target]);
            }
        }
    }

    public void RemoveTarget(ILiveRenderTarget target)
    {
        lock (this)
        {
            var index = Array.IndexOf(_targets, target);
            if (index < 0)
            {
                return;
            }

            var next = new ILiveRenderTarget[_targets.Length - 1];
            Array.Copy(_targets, 0, next, 0, index);
            Array.Copy(_targets, index + 1, next, index, _targets.Length - index - 1);
            Volatile.Write(ref _targets, next);
        }
    }

    /// <summary>Drops every target: the circuit closed, and nothing may keep its components alive (removed entries linger in the registry's ordered list until it compacts).</summary>
    public void ClearTargets()
    {
        lock (this)
        {
            Volatile.Write(ref _targets, []);
        }
    }

    /// <summary>A target starts reading <paramref name="groupId"/> by its id (it may not be a group of the circuit): changes of that group must reach the circuit.</summary>
    public void Watch(string groupId)
    {
        lock (this)
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
        lock (this)
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
        lock (this)
        {
            return _watching is null ? [] : [.. _watching.Keys];
        }
    }

    /// <summary>
    /// Adds <paramref name="change"/> to the circuit's next render. True means the caller claimed that render and must
    /// dispatch it (<see cref="RenderAsync"/>); false means a render is already on its way and takes this change along.
    /// </summary>
    public bool TryClaim(in LiveChange change)
    {
        lock (_pendingGate)
        {
            if (change.Kind == LiveChangeKind.Broadcast)
            {
                _pendingBroadcast = true;
            }
            else
            {
                _pending ??= new List<LiveChange>(2);
                if (!_pending.Contains(change))
                {
                    _pending.Add(change);
                }
            }

            if (_queued)
            {
                return false;
            }

            _queued = true;
            return true;
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
            if (target.InvokeAsync(Drain) is { } dispatched)
            {
                return dispatched;
            }
        }

        return Drain();
    }

    /// <summary>A dispatch failed before the render could start (a disposed renderer): the next change claims anew.</summary>
    public void RenderAbandoned()
    {
        lock (_pendingGate)
        {
            _queued = false;
            _pendingBroadcast = false;
            _pending = null;
        }
    }

    private Task Drain()
    {
        bool broadcast;
        List<LiveChange>? changes;
        lock (_pendingGate)
        {
            // From here on, a new change claims a new render: this one has read what it renders.
            _queued = false;
            broadcast = _pendingBroadcast;
            changes = _pending;
            _pendingBroadcast = false;
            _pending = null;
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
            Interlocked.Increment(ref _renders);
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
