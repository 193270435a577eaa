namespace LiveState.Blazor.Backends;

/// <summary>What a message asks of the servers that receive it.</summary>
public enum LiveMessageKind
{
    /// <summary>An <see cref="ILiveBroadcaster"/> broadcast: re-render everything live in the targeted circuits.</summary>
    Broadcast,

    /// <summary>A slot of a group changed: bring what you hold of it up to date, then re-render its readers.</summary>
    SlotChanged,
}

/// <summary>Whom a message is for.</summary>
public enum LiveTargetKind
{
    /// <summary>Every circuit of every server.</summary>
    All,

    /// <summary>
    /// The circuits of <see cref="LiveMessage.GroupId"/>. A broadcast re-renders the group's members; a slot change the
    /// readers of the slot, members and circuits watching the group by id alike. Route it to the servers hosting the group.
    /// </summary>
    Group,

    /// <summary>The circuits of the users in <see cref="LiveMessage.Ids"/>.</summary>
    Users,

    /// <summary>The circuits whose ids are in <see cref="LiveMessage.Ids"/>.</summary>
    Circuits,

    /// <summary>
    /// The circuits <see cref="LiveMessage.Filter"/> chooses, on every server. The filter is a delegate of this server's:
    /// a backend decides it over the cluster's presence and sends the chosen circuits as <see cref="Circuits"/>.
    /// </summary>
    Filter,
}

/// <summary>
/// A message from this server to the others, as the core hands it to its <see cref="LiveStateBackend"/>, and as a
/// backend hands a received one back (<see cref="ILiveStateHost.DeliverAsync"/>). Immutable; the wire format is the
/// backend's.
/// </summary>
public sealed class LiveMessage
{
    private LiveMessage(LiveMessageKind kind, LiveTargetKind target)
    {
        Kind = kind;
        Target = target;
    }

    /// <summary>What the message asks.</summary>
    public LiveMessageKind Kind { get; }

    /// <summary>Whom it is for.</summary>
    public LiveTargetKind Target { get; }

    /// <summary>The group of a <see cref="LiveTargetKind.Group"/> target, and always of a <see cref="LiveMessageKind.SlotChanged"/> message.</summary>
    public string? GroupId { get; private init; }

    /// <summary>The user ids of a <see cref="LiveTargetKind.Users"/> target, or the circuit ids of a <see cref="LiveTargetKind.Circuits"/> target.</summary>
    public IReadOnlyList<string> Ids { get; private init; } = [];

    /// <summary>A circuit to leave out (usually the sender's), or null.</summary>
    public string? ExceptCircuitId { get; private init; }

    /// <summary>With <see cref="LiveTargetKind.Filter"/>: the filter, evaluated where the message is sent from. Never sent.</summary>
    public Func<LiveCircuitInfo, bool>? Filter { get; private init; }

    /// <summary>With <see cref="LiveMessageKind.SlotChanged"/>: the slot's key; null when every slot of the group changed (a delete).</summary>
    public string? SlotKey { get; private init; }

    /// <summary>With <see cref="LiveMessageKind.SlotChanged"/>: the slot's version after the change; 0 when unknown.</summary>
    public long Version { get; private init; }

    /// <summary>
    /// With <see cref="LiveMessageKind.SlotChanged"/>: the slot's new value as System.Text.Json UTF-8, when the sender chose
    /// to carry it (small slots), so that receivers need no read from the store; empty otherwise.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; private init; }

    /// <summary>A broadcast to every circuit.</summary>
    /// <param name="exceptCircuitId">A circuit to leave out, or null.</param>
    public static LiveMessage BroadcastToAll(string? exceptCircuitId = null) =>
        new(LiveMessageKind.Broadcast, LiveTargetKind.All) { ExceptCircuitId = exceptCircuitId };

    /// <summary>A broadcast to a group's circuits.</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="exceptCircuitId">A circuit to leave out, or null.</param>
    public static LiveMessage BroadcastToGroup(string groupId, string? exceptCircuitId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        return new(LiveMessageKind.Broadcast, LiveTargetKind.Group) { GroupId = groupId, ExceptCircuitId = exceptCircuitId };
    }

    /// <summary>A broadcast to the circuits of some users.</summary>
    /// <param name="userIds">The users (distinct).</param>
    /// <param name="exceptCircuitId">A circuit to leave out, or null.</param>
    public static LiveMessage BroadcastToUsers(IReadOnlyList<string> userIds, string? exceptCircuitId = null)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return new(LiveMessageKind.Broadcast, LiveTargetKind.Users) { Ids = userIds, ExceptCircuitId = exceptCircuitId };
    }

    /// <summary>A broadcast to some circuits, by id.</summary>
    /// <param name="circuitIds">The circuits.</param>
    /// <param name="exceptCircuitId">A circuit to leave out, or null.</param>
    public static LiveMessage BroadcastToCircuits(IReadOnlyList<string> circuitIds, string? exceptCircuitId = null)
    {
        ArgumentNullException.ThrowIfNull(circuitIds);
        return new(LiveMessageKind.Broadcast, LiveTargetKind.Circuits) { Ids = circuitIds, ExceptCircuitId = exceptCircuitId };
    }

    /// <summary>A broadcast to the circuits a filter chooses, on every server.</summary>
    /// <param name="filter">The filter.</param>
    /// <param name="exceptCircuitId">A circuit to leave out, or null.</param>
    public static LiveMessage BroadcastToFilter(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new(LiveMessageKind.Broadcast, LiveTargetKind.Filter) { Filter = filter, ExceptCircuitId = exceptCircuitId };
    }

    /// <summary>A slot of a group changed (it goes to the servers with circuits in, or watching, the group).</summary>
    /// <param name="groupId">The group.</param>
    /// <param name="slotKey">The slot's key; null when every slot of the group changed.</param>
    /// <param name="version">The slot's version after the change; 0 when unknown.</param>
    /// <param name="payload">The slot's value as System.Text.Json UTF-8, or empty.</param>
    public static LiveMessage SlotChanged(string groupId, string? slotKey, long version = 0, ReadOnlyMemory<byte> payload = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        return new(LiveMessageKind.SlotChanged, LiveTargetKind.Group) { GroupId = groupId, SlotKey = slotKey, Version = version, Payload = payload };
    }

    /// <summary>The topic a <see cref="LiveTargetKind.Group"/> message is routed by; null for other targets.</summary>
    public LiveTopic? Topic => Target == LiveTargetKind.Group ? LiveTopic.Group(GroupId!) : null;

    /// <inheritdoc />
    public override string ToString() => (Kind, Target) switch
    {
        (LiveMessageKind.SlotChanged, _) => $"slot {SlotKey ?? "*"} of {LiveIdentity.Redact(GroupId!)} changed (v{Version})",
        (_, LiveTargetKind.Group) => $"broadcast to {LiveIdentity.Redact(GroupId!)}",
        (_, LiveTargetKind.Users) => $"broadcast to {Ids.Count} users",
        (_, LiveTargetKind.Circuits) => $"broadcast to {Ids.Count} circuits",
        (_, LiveTargetKind.Filter) => "broadcast to a filter",
        _ => "broadcast to all",
    };
}
