using LiveState.Blazor.Circuits;
using Microsoft.AspNetCore.Components;

namespace LiveState.Blazor.Components;

/// <summary>
/// The root-level cascading value of one circuit (or prerendering request): its <see cref="SessionGroupState"/>,
/// supplied from DI to every component that takes it, whatever the render-mode layout. Blazor subscribes those
/// components; this source re-renders them (<see cref="CascadingValueSource{TValue}.NotifyChangedAsync()"/>) when a
/// change reaches the circuit that anything read through the state: a slot read with <c>Get</c>, the presence once
/// read, a broadcast. It joins the circuit's render targets the first time the state is used.
/// </summary>
internal sealed class SessionGroupStateCascade : CascadingValueSource<SessionGroupState>, ILiveRenderTarget
{
    private readonly Action _firstUse;
    private LiveInterest[] _reads = [];
    private int _used;

    public SessionGroupStateCascade(SessionGroupState state, Action firstUse)
        : base(state, isFixed: false)
    {
        _firstUse = firstUse;
    }

    /// <summary>The slots and presence read through the state so far.</summary>
    internal LiveInterest[] Reads => Volatile.Read(ref _reads);

    public void NoteUse()
    {
        if (Volatile.Read(ref _used) == 0 && Interlocked.Exchange(ref _used, 1) == 0)
        {
            _firstUse();
        }
    }

    public void NoteSlot(string groupId, string slotKey) => Note(new LiveInterest(LiveChangeKind.Slot, groupId, slotKey));

    public void NotePresence(string groupId) => Note(new LiveInterest(LiveChangeKind.Presence, groupId, null));

    public bool Wants(in LiveChange change, LiveIdentity identity) => LiveInterest.AnyMatches(Reads, change, identity);

    // No dispatcher of its own: NotifyChangedAsync dispatches to each subscriber's.
    public Task? InvokeAsync(Func<Task> work) => null;

    public Task Render() => NotifyChangedAsync();

    private void Note(LiveInterest interest)
    {
        NoteUse();

        // Read on every render of every reader: the common case is a scan of a few entries, without a lock or allocation.
        var reads = Volatile.Read(ref _reads);
        if (Array.IndexOf(reads, interest) >= 0)
        {
            return;
        }

        lock (this)
        {
            if (Array.IndexOf(_reads, interest) < 0)
            {
                Volatile.Write(ref _reads, [.. _reads, interest]);
            }
        }
    }
}
