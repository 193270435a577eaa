namespace LiveState.Blazor;

/// <summary>What happened to a circuit.</summary>
public enum LiveCircuitChangeKind
{
    /// <summary>The circuit opened and was registered.</summary>
    Opened,

    /// <summary>The circuit's connection dropped; it may come back.</summary>
    Disconnected,

    /// <summary>The circuit's connection came back.</summary>
    Reconnected,

    /// <summary>The circuit's identity changed (sign-in, sign-out) and it moved to another group.</summary>
    Moved,

    /// <summary>The circuit closed and was removed.</summary>
    Closed,
}

/// <summary>Describes one change of the circuit registry.</summary>
public sealed class LiveCircuitChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="circuit">The circuit after the change (for <see cref="LiveCircuitChangeKind.Closed"/>, as it was last).</param>
    /// <param name="previousIdentity">For <see cref="LiveCircuitChangeKind.Moved"/>, the identity it had before; otherwise null.</param>
    public LiveCircuitChangedEventArgs(LiveCircuitChangeKind kind, LiveCircuitInfo circuit, LiveIdentity? previousIdentity = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        Kind = kind;
        Circuit = circuit;
        PreviousIdentity = previousIdentity;
    }

    /// <summary>What happened.</summary>
    public LiveCircuitChangeKind Kind { get; }

    /// <summary>The circuit after the change.</summary>
    public LiveCircuitInfo Circuit { get; }

    /// <summary>For a move, the identity the circuit had before.</summary>
    public LiveIdentity? PreviousIdentity { get; }
}
