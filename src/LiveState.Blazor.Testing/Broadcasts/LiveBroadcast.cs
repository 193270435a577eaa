namespace LiveState.Blazor.Testing;

/// <summary>
/// One broadcast as the test's <see cref="LiveBroadcastLog"/> saw it: its target, how many circuits the library's
/// broadcaster says it reached, and which simulated circuits re-rendered while it was delivered.
/// </summary>
public sealed class LiveBroadcast
{
    internal LiveBroadcast(
        LiveBroadcastKind kind,
        string? groupId,
        IReadOnlyList<string> userIds,
        string? circuitId,
        string? exceptCircuitId,
        int reachedCount,
        IReadOnlyList<LiveTestCircuit> rerendered,
        string? slotKey = null)
    {
        SlotKey = slotKey;
        Kind = kind;
        GroupId = groupId;
        UserIds = userIds;
        CircuitId = circuitId;
        ExceptCircuitId = exceptCircuitId;
        ReachedCount = reachedCount;
        Rerendered = rerendered;
    }

    /// <summary>The kind of target.</summary>
    public LiveBroadcastKind Kind { get; }

    /// <summary>The group of a <see cref="LiveBroadcastKind.Group"/> broadcast, or the group whose slot or presence changed; otherwise null.</summary>
    public string? GroupId { get; }

    /// <summary>For <see cref="LiveBroadcastKind.SlotChanged"/>: the slot's key (its type's full name, or its <see cref="SessionGroupSlotAttribute"/> name); null when every slot changed (a delete).</summary>
    public string? SlotKey { get; }

    /// <summary>The target users of a <see cref="LiveBroadcastKind.Users"/> broadcast, as given; otherwise empty.</summary>
    public IReadOnlyList<string> UserIds { get; }

    /// <summary>The target circuit of a <see cref="LiveBroadcastKind.Circuit"/> broadcast; otherwise null.</summary>
    public string? CircuitId { get; }

    /// <summary>The circuit the sender left out (usually its own), or null.</summary>
    public string? ExceptCircuitId { get; }

    /// <summary>How many circuits the library's broadcaster reported reaching; for a slot or presence change, how many simulated circuits re-rendered.</summary>
    public int ReachedCount { get; }

    /// <summary>
    /// The simulated circuits that re-rendered between the broadcast's start and its completion, in the order they
    /// were opened. Exact while one broadcast is delivered at a time (an awaited update or broadcast, as tests usually
    /// do); broadcasts delivered at the same moment each list the circuits any of them re-rendered.
    /// </summary>
    public IReadOnlyList<LiveTestCircuit> Rerendered { get; }

    /// <summary>Whether <paramref name="circuit"/> re-rendered while this broadcast was delivered.</summary>
    /// <param name="circuit">A simulated circuit.</param>
    /// <returns>True when it is among <see cref="Rerendered"/>.</returns>
    public bool HasRerendered(LiveTestCircuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        foreach (var rerendered in Rerendered)
        {
            if (ReferenceEquals(rerendered, circuit))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var target = Kind switch
        {
            LiveBroadcastKind.Group => $"group {GroupId}",
            LiveBroadcastKind.SlotChanged => $"slot {SlotKey ?? "*"} of {GroupId}",
            LiveBroadcastKind.PresenceChanged => $"presence of {GroupId}",
            LiveBroadcastKind.Users => $"users {string.Join(", ", UserIds)}",
            LiveBroadcastKind.Circuit => $"circuit {CircuitId}",
            LiveBroadcastKind.Filter => "filter",
            _ => "all",
        };
        var except = ExceptCircuitId is null ? string.Empty : $" except {ExceptCircuitId}";
        return $"{target}{except}: reached {ReachedCount}, re-rendered [{string.Join(", ", Rerendered.Select(c => c.Id))}]";
    }
}
