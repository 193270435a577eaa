namespace LiveState.Blazor.Circuits;

/// <summary>What a render of a circuit is for.</summary>
internal enum LiveChangeKind : byte
{
    /// <summary>An explicit <see cref="ILiveBroadcaster"/> broadcast: every LiveState-aware component re-renders.</summary>
    Broadcast,

    /// <summary>One slot of one group changed: its readers re-render.</summary>
    Slot,

    /// <summary>The circuits of one group changed (a tab opened, closed, lost its connection, moved): presence readers re-render.</summary>
    Presence,
}

/// <summary>One reason to re-render: a broadcast, a slot of a group, or a group's presence.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="GroupId">With <see cref="LiveChangeKind.Slot"/> and <see cref="LiveChangeKind.Presence"/>: the group.</param>
/// <param name="SlotKey">With <see cref="LiveChangeKind.Slot"/>: the slot key.</param>
internal readonly record struct LiveChange(LiveChangeKind Kind, string? GroupId = null, string? SlotKey = null)
{
    public static LiveChange Broadcast => default;

    public static LiveChange Slot(string groupId, string slotKey) => new(LiveChangeKind.Slot, groupId, slotKey);

    public static LiveChange Presence(string groupId) => new(LiveChangeKind.Presence, groupId);
}

/// <summary>
/// Something in a circuit that re-renders when a change it reads reaches the circuit: a <see cref="LiveComponent"/>, the
/// circuit's cascaded <see cref="SessionGroupState"/>, a callback given to <c>Subscribe</c>, or a fake in tests.
/// </summary>
internal interface ILiveRenderTarget
{
    /// <summary>
    /// Whether broadcasts re-render it (true for what shows state: components, the cascade, callbacks). LiveState's own
    /// watchers of one slot say false: they neither render for a broadcast nor make a circuit count as reached.
    /// </summary>
    bool TakesBroadcasts => true;

    /// <summary>Whether <paramref name="change"/> concerns this target, for a circuit whose identity is <paramref name="identity"/>.</summary>
    bool Wants(in LiveChange change, LiveIdentity identity);

    /// <summary>
    /// Runs <paramref name="work"/> on the circuit's dispatcher and returns its task; or returns null when the target has
    /// no dispatcher (a plain callback, the cascade), so that another target's dispatcher, or the delivering thread, runs it.
    /// </summary>
    Task? InvokeAsync(Func<Task> work);

    /// <summary>
    /// Like <see cref="InvokeAsync"/> for synchronous work, which a Blazor dispatcher runs without the async machinery
    /// a <see cref="Func{Task}"/> needs (about half of what a render's hand-off costs); null when the target has no
    /// dispatcher, or does not offer this, and then <see cref="InvokeAsync"/> is asked.
    /// </summary>
    Task? Invoke(Action work) => null;

    /// <summary>
    /// Re-renders: on the circuit's dispatcher when some target of the circuit has one, otherwise on the delivering
    /// thread. Returns when the render was queued (a component's <c>StateHasChanged</c>), or a task for one dispatched
    /// elsewhere.
    /// </summary>
    Task Render();
}
