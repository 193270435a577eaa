namespace LiveState.Blazor.Circuits;

/// <summary>Something that re-renders a circuit: <see cref="CascadingSessionGroupState"/>, or a fake in tests.</summary>
internal interface ILiveRenderTarget
{
    /// <summary>Dispatches a render on the circuit's own dispatcher. Must call <see cref="LiveCircuit.RenderStarting"/> first, inside the dispatcher.</summary>
    Task RenderAsync(LiveCircuit circuit);
}

/// <summary>The registry's entry for one live circuit. Mutated only by <see cref="CircuitRegistry"/> and the broadcaster.</summary>
internal sealed class LiveCircuit
{
    private volatile LiveCircuitInfo _info;
    private ILiveRenderTarget[] _targets = [];
    private int _renderPending;

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

    public ILiveRenderTarget[] Targets => Volatile.Read(ref _targets);

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
            if (index >= 0)
            {
                var next = new ILiveRenderTarget[_targets.Length - 1];
                Array.Copy(_targets, 0, next, 0, index);
                Array.Copy(_targets, index + 1, next, index, _targets.Length - index - 1);
                Volatile.Write(ref _targets, next);
            }
        }
    }

    /// <summary>
    /// Claims the right to queue a render. False means a render is already queued and has not started yet:
    /// it will read the newest state, so this request coalesces into it.
    /// </summary>
    public bool TryClaimRender() => Interlocked.Exchange(ref _renderPending, 1) == 0;

    /// <summary>Called on the circuit's dispatcher just before it renders: later requests must queue a new render.</summary>
    public void RenderStarting() => Volatile.Write(ref _renderPending, 0);

    /// <summary>A dispatch failed before the render could start; let the next request try again.</summary>
    public void RenderAbandoned() => Volatile.Write(ref _renderPending, 0);
}
