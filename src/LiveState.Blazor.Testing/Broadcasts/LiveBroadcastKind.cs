namespace LiveState.Blazor.Testing;

/// <summary>
/// What re-rendered circuits: an <see cref="ILiveBroadcaster"/> method (the kind of its target), or a change LiveState
/// tells the readers of by itself (a slot updated, a group's presence changed).
/// </summary>
public enum LiveBroadcastKind
{
    /// <summary><see cref="ILiveBroadcaster.BroadcastToAllAsync"/>: every circuit.</summary>
    All,

    /// <summary><see cref="ILiveBroadcaster.BroadcastAsync"/>: the circuits a filter chose.</summary>
    Filter,

    /// <summary><see cref="ILiveBroadcaster.BroadcastToUsersAsync"/>: every circuit of some users.</summary>
    Users,

    /// <summary><see cref="ILiveBroadcaster.BroadcastToGroupAsync"/>: every circuit of a session group.</summary>
    Group,

    /// <summary><see cref="ILiveBroadcaster.BroadcastToCircuitAsync"/>: one circuit.</summary>
    Circuit,

    /// <summary>A slot of a group was updated (<see cref="LiveBroadcast.GroupId"/>, <see cref="LiveBroadcast.SlotKey"/>): its readers re-rendered.</summary>
    SlotChanged,

    /// <summary>A circuit of a group opened, closed, dropped, came back or moved: the group's presence readers re-rendered.</summary>
    PresenceChanged,
}
