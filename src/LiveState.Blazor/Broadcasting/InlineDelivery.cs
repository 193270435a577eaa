using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Broadcasting;

/// <summary>
/// The caller's part of a broadcast: it claims and renders the circuits on its own thread, one after the other, as a
/// hand-written event would (an idle dispatcher runs a render inline), until they are done or its slice is used.
/// Only a render still running once the caller moved on (a busy circuit), or circuits left when the slice ran out,
/// need a <see cref="Delivery"/>: a task to wait for, a lock, a deadline. A broadcast to idle circuits allocates
/// nothing, takes no lock but each circuit's own, and arms no timer.
/// </summary>
/// <remarks>
/// Renders run in the engine's clean execution context, never the caller's; the caller's is restored afterwards,
/// and a render's async locals never reach the next circuit's render. A render that blocks the caller's thread
/// synchronously holds up the circuits after it in the caller's slice until it returns (they render then, and
/// count); on pool workers it holds up none.
/// </remarks>
internal struct InlineDelivery
{
    /// <summary>Circuits rendered between two looks at the clock (each look costs about as much as a render's hand-off).</summary>
    public const int CheckEvery = 16;

    private readonly DeliveryEngine _engine;
    private readonly BroadcastTelemetry _telemetry;
    private readonly LiveChange _change;
    private readonly string? _except;
    private Delivery? _delivery;
    private bool _handedOff; // the slice is used: the circuits left go to the delivery's workers
    private int _reached;
    private int _failures;
    private int _taken;
    private long _sliceStart; // the clock at the first look (after CheckEvery circuits), 0 before

    public InlineDelivery(DeliveryEngine engine, BroadcastTelemetry telemetry, in LiveChange change, string? exceptCircuitId)
    {
        _engine = engine;
        _telemetry = telemetry;
        _change = change;
        _except = exceptCircuitId;
    }

    /// <summary>Claims and renders the first <paramref name="count"/> circuits (never mutated).</summary>
    public void Render(LiveCircuit[] circuits, int count)
    {
        if (count == 0)
        {
            return;
        }

        if (_handedOff || !EnterCleanContext(out var caller))
        {
            HandOff(circuits, 0, count);
            return;
        }

        try
        {
            for (var i = 0; i < count; i++)
            {
                RenderOne(circuits[i]);
                if (++_taken % CheckEvery == 0 && i + 1 < count && SliceUsed())
                {
                    HandOff(circuits, i + 1, count);
                    return;
                }
            }
        }
        finally
        {
            LeaveCleanContext(caller);
        }
    }

    /// <summary>Claims and renders one circuit.</summary>
    public void Render(LiveCircuit circuit)
    {
        if (_handedOff || !EnterCleanContext(out var caller))
        {
            HandOff([circuit], 0, 1);
            return;
        }

        try
        {
            RenderOne(circuit);
        }
        finally
        {
            LeaveCleanContext(caller);
        }
    }

    /// <summary>The caller's part is done: its count, or the wait for what it could not finish.</summary>
    public readonly ValueTask<int> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_delivery is null)
        {
            _telemetry.Completed(_reached, _failures);
            return ValueTask.FromResult(_reached);
        }

        return _delivery.RunAsync(_reached, _failures, cancellationToken);
    }

    private void RenderOne(LiveCircuit circuit)
    {
        switch (RenderClaim.TryClaim(circuit, _change, _except))
        {
            case ClaimOutcome.Skipped:
                return;
            case ClaimOutcome.Coalesced:
                _reached++;
                return;
        }

        var render = _engine.Start(circuit);
        if (render.IsCompletedSuccessfully)
        {
            _reached++;
        }
        else if (render.IsCompleted)
        {
            _engine.RenderFailed(circuit, render);
            _telemetry.DeliveryFailed(BroadcastTelemetry.ErrorType(render), 1);
            _failures++;
        }
        else
        {
            DeliveryOrNew().Track(circuit, render);
        }
    }

    /// <summary>
    /// Switches the thread to the clean context unless it runs in it already (then <paramref name="caller"/> is null).
    /// False when the caller suppressed the flow of its context: it could not be restored afterwards, so the pool renders.
    /// </summary>
    private readonly bool EnterCleanContext(out ExecutionContext? caller)
    {
        caller = ExecutionContext.Capture();
        if (caller is null)
        {
            return false;
        }

        if (ReferenceEquals(caller, _engine.CleanContext))
        {
            caller = null;
            return true;
        }

        ExecutionContext.Restore(_engine.CleanContext);
        return true;
    }

    private static void LeaveCleanContext(ExecutionContext? caller)
    {
        if (caller is not null)
        {
            ExecutionContext.Restore(caller);
        }
    }

    /// <summary>Whether the caller's slice is used; the slice starts at the first look, so a small broadcast never reads the clock.</summary>
    private bool SliceUsed()
    {
        var now = _engine.Time.GetTimestamp();
        if (_sliceStart == 0)
        {
            _sliceStart = now;
            return false;
        }

        return now - _sliceStart > _engine.SliceTicks;
    }

    private void HandOff(LiveCircuit[] circuits, int start, int end)
    {
        _handedOff = true;
        DeliveryOrNew().HandOff(circuits, start, end);
    }

    private Delivery DeliveryOrNew() => _delivery ??= new Delivery(_engine, _telemetry, _change, _except);
}
