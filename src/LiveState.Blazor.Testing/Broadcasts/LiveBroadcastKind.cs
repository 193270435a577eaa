namespace LiveState.Blazor.Testing;

/// <summary>Which <see cref="ILiveBroadcaster"/> method sent a broadcast: the kind of its target.</summary>
public enum LiveBroadcastKind
{
    /// <summary><see cref="ILiveBroadcaster.BroadcastToAllAsync"/>: every circuit.</summary>
    All,

    /// <summary><see cref="ILiveBroadcaster.BroadcastAsync"/>: the circuits a filter chose.</summary>
    Filter,

    /// <summary><see cref="ILiveBroadcaster.BroadcastToUsersAsync"/>: every circuit of some users.</summary>
    Users,

    /// <summary><see cref="ILiveBroadcaster.BroadcastToGroupAsync"/>: every circuit of a session group (state updates and presence changes send these).</summary>
    Group,

    /// <summary><see cref="ILiveBroadcaster.BroadcastToCircuitAsync"/>: one circuit.</summary>
    Circuit,
}
