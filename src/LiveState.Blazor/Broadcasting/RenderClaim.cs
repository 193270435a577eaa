using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Broadcasting;

/// <summary>What claiming one circuit's render for a change came to.</summary>
internal enum ClaimOutcome : byte
{
    /// <summary>Nothing to do: the circuit closed, is the sender's, or has nothing that wants the change.</summary>
    Skipped,

    /// <summary>A render of the circuit is queued and has not started: it takes this change along (the circuit counts as reached).</summary>
    Coalesced,

    /// <summary>The caller claimed the circuit's next render and must start it (<see cref="LiveCircuit.RenderAsync"/>).</summary>
    Claimed,
}

/// <summary>
/// Claims circuits' renders for a change: the one check every delivery path makes, on the caller's thread and on the
/// pool's alike. Coalescing itself is the circuit's (<see cref="LiveCircuit.TryClaim"/>): changes that arrive while a
/// render is queued join it.
/// </summary>
internal static class RenderClaim
{
    public static ClaimOutcome TryClaim(LiveCircuit circuit, in LiveChange change, string? exceptCircuitId)
    {
        if (circuit.Removed
            || (exceptCircuitId is not null && string.Equals(circuit.Id, exceptCircuitId, StringComparison.Ordinal))
            || !circuit.Wants(change))
        {
            return ClaimOutcome.Skipped;
        }

        return circuit.TryClaim(change) ? ClaimOutcome.Claimed : ClaimOutcome.Coalesced;
    }
}
