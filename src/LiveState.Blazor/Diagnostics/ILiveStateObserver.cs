namespace LiveState.Blazor.Diagnostics;

/// <summary>Why LiveState re-rendered circuits of this server.</summary>
public enum LiveRenderCause
{
    /// <summary>An <see cref="ILiveBroadcaster"/> broadcast sent from this server.</summary>
    Broadcast,

    /// <summary>A slot of a group changed (on this server or another): its readers re-rendered.</summary>
    SlotChanged,

    /// <summary>The circuits of a group changed: its presence readers re-rendered.</summary>
    PresenceChanged,
}

/// <summary>One delivery LiveState made to this server's circuits, as <see cref="ILiveStateObserver"/>s see it.</summary>
public sealed class LiveRenderEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="cause">Why.</param>
    /// <param name="groupId">The group of a slot or presence change, or of a broadcast to a group; otherwise null.</param>
    /// <param name="slotKey">The slot of a slot change (null: every slot of the group); otherwise null.</param>
    /// <param name="target">For a broadcast, its target (all, filter, users, group, circuit, as its <c>ILiveBroadcaster</c> method).</param>
    /// <param name="ids">For a broadcast to users or to a circuit: the ids; otherwise empty.</param>
    /// <param name="exceptCircuitId">For a broadcast: the circuit it left out, or null.</param>
    /// <param name="reached">How many circuits it reached (for a broadcast, as the broadcaster counts them, other servers included).</param>
    /// <param name="duration">How long the delivery took.</param>
    public LiveRenderEvent(LiveRenderCause cause, string? groupId, string? slotKey, Backends.LiveTargetKind target, IReadOnlyList<string> ids, string? exceptCircuitId, int reached, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(ids);
        Cause = cause;
        GroupId = groupId;
        SlotKey = slotKey;
        Target = target;
        Ids = ids;
        ExceptCircuitId = exceptCircuitId;
        Reached = reached;
        Duration = duration;
    }

    /// <summary>Why.</summary>
    public LiveRenderCause Cause { get; }

    /// <summary>The group of a slot or presence change, or of a broadcast to a group; otherwise null.</summary>
    public string? GroupId { get; }

    /// <summary>The slot of a slot change (null: every slot of the group).</summary>
    public string? SlotKey { get; }

    /// <summary>For a broadcast, its target; <see cref="Backends.LiveTargetKind.Group"/> for slot and presence changes.</summary>
    public Backends.LiveTargetKind Target { get; }

    /// <summary>For a broadcast to users or to a circuit: the ids; otherwise empty.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>For a broadcast: the circuit it left out, or null.</summary>
    public string? ExceptCircuitId { get; }

    /// <summary>How many circuits it reached.</summary>
    public int Reached { get; }

    /// <summary>How long the delivery took.</summary>
    public TimeSpan Duration { get; }
}

/// <summary>
/// Told of every delivery LiveState makes to this server's circuits, once it has completed: broadcasts sent from this
/// server, slot changes and presence changes (from here or, through a backend, from other servers). For diagnostics,
/// dashboards and test frameworks. Register with <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;ILiveStateObserver, T&gt;())</c>.
/// </summary>
/// <remarks>Called on the thread that delivered; must be quick and must not throw (exceptions are logged and dropped).</remarks>
public interface ILiveStateObserver
{
    /// <summary>A delivery completed.</summary>
    /// <param name="delivery">What it was and what it reached.</param>
    void OnRendered(LiveRenderEvent delivery);
}
