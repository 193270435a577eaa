namespace LiveState.Blazor;

/// <summary>An immutable snapshot of one live circuit: its id, identity and connection state.</summary>
public sealed class LiveCircuitInfo
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="circuitId">The Blazor circuit id.</param>
    /// <param name="identity">The circuit's identity.</param>
    /// <param name="isConnected">Whether the circuit's connection is up.</param>
    /// <param name="openedAt">When the circuit opened.</param>
    public LiveCircuitInfo(string circuitId, LiveIdentity identity, bool isConnected, DateTimeOffset openedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(circuitId);
        ArgumentNullException.ThrowIfNull(identity);
        CircuitId = circuitId;
        Identity = identity;
        IsConnected = isConnected;
        OpenedAt = openedAt;
    }

    /// <summary>The Blazor circuit id.</summary>
    public string CircuitId { get; }

    /// <summary>The circuit's identity (user and group).</summary>
    public LiveIdentity Identity { get; }

    /// <summary>The circuit's session group.</summary>
    public string GroupId => Identity.GroupId;

    /// <summary>The circuit's user, or null when anonymous.</summary>
    public string? UserId => Identity.UserId;

    /// <summary>Whether the circuit's connection is currently up (a disconnected circuit may still come back).</summary>
    public bool IsConnected { get; }

    /// <summary>When the circuit opened.</summary>
    public DateTimeOffset OpenedAt { get; }

    internal LiveCircuitInfo With(LiveIdentity identity) => new(CircuitId, identity, IsConnected, OpenedAt);

    internal LiveCircuitInfo With(bool isConnected) => new(CircuitId, Identity, isConnected, OpenedAt);

    /// <inheritdoc />
    public override string ToString() => $"{CircuitId} {Identity}{(IsConnected ? string.Empty : " (disconnected)")}";
}
