using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Rooms;

/// <summary>
/// Re-renders a room handle's owner when a slot of the room it read changes. Not a broadcast target: the owner's own
/// <see cref="LiveComponent"/> target takes those.
/// </summary>
internal sealed class RoomStateTarget(RoomHandle room, RoomOwner owner) : ILiveRenderTarget
{
    private string[] _keys = [];

    public bool TakesBroadcasts => false;

    public void Add(string slotKey)
    {
        lock (this)
        {
            if (Array.IndexOf(_keys, slotKey) < 0)
            {
                Volatile.Write(ref _keys, [.. _keys, slotKey]);
            }
        }
    }

    public bool Wants(in LiveChange change, LiveIdentity identity) =>
        change.Kind == LiveChangeKind.Slot
        && string.Equals(change.GroupId, room.GroupId, StringComparison.Ordinal)
        && (change.SlotKey is null || Array.IndexOf(Volatile.Read(ref _keys), change.SlotKey) >= 0)
        && room.IsJoined
        && owner.IsAlive;

    public Task? InvokeAsync(Func<Task> work) => owner.Dispatch(work);

    public Task Render()
    {
        owner.Render();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Re-renders a room handle's owner when the room's presence changes (a member joins, leaves, drops, moves) or a member's
/// metadata does, coalesced per owner over <see cref="LiveStateOptions.PresenceUpdateInterval"/>: the first change of a
/// quiet window renders at once, those within the window render once when it ends, and the window stays open while
/// changes keep coming. So "typing" flickering many times a second costs a reader one render per interval.
/// </summary>
internal sealed class RoomPresenceTarget : ILiveRenderTarget, IDisposable
{
    private readonly RoomHandle _room;
    private readonly RoomOwner _owner;
    private readonly Lock _gate = new();
    private ITimer? _timer; // under _gate
    private bool _open; // under _gate: a window is running
    private bool _dirty; // under _gate: changes came within it
    private bool _stopped; // under _gate
    private int _renders;

    public RoomPresenceTarget(RoomHandle room, RoomOwner owner)
    {
        _room = room;
        _owner = owner;
    }

    public bool TakesBroadcasts => false;

    /// <summary>How many times it re-rendered its owner (tests count).</summary>
    internal int Renders => Volatile.Read(ref _renders);

    private TimeSpan Interval => _room.Rooms.Options.CurrentValue.PresenceUpdateInterval;

    public bool Wants(in LiveChange change, LiveIdentity identity) =>
        string.Equals(change.GroupId, _room.GroupId, StringComparison.Ordinal)
        && (change.Kind == LiveChangeKind.Presence
            || (change.Kind == LiveChangeKind.Slot && (change.SlotKey is null || string.Equals(change.SlotKey, RoomMembers.Key, StringComparison.Ordinal))))
        && _room.IsJoined
        && _owner.IsAlive;

    public Task? InvokeAsync(Func<Task> work) => _owner.Dispatch(work);

    public Task Render()
    {
        var interval = Interval;
        if (interval > TimeSpan.Zero)
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return Task.CompletedTask;
                }

                if (_open)
                {
                    // Rendered when the window ends, with whatever else changes meanwhile.
                    _dirty = true;
                    return Task.CompletedTask;
                }

                _open = true;
                if (_timer is null)
                {
                    // No execution context flows into the timer's callbacks (a render's async locals are not the timer's).
                    using (ExecutionContext.SuppressFlow())
                    {
                        _timer = _room.Rooms.Time.CreateTimer(static state => ((RoomPresenceTarget)state!).OnWindowEnd(), this, interval, Timeout.InfiniteTimeSpan);
                    }
                }
                else
                {
                    _timer.Change(interval, Timeout.InfiniteTimeSpan);
                }
            }
        }

        Interlocked.Increment(ref _renders);
        _owner.Render();
        return Task.CompletedTask;
    }

    private void OnWindowEnd()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (!_dirty)
            {
                _open = false;
                return;
            }

            // Changes kept coming: render them, and keep the window open for one more interval.
            _dirty = false;
            _timer!.Change(Interval, Timeout.InfiniteTimeSpan);
        }

        _ = RenderLaterAsync();
    }

    private async Task RenderLaterAsync()
    {
        try
        {
            if (_owner.Dispatch(() =>
            {
                Interlocked.Increment(ref _renders);
                _owner.Render();
                return Task.CompletedTask;
            }) is { } dispatched)
            {
                await dispatched.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            RoomLog.PresenceRenderFailed(_room.Rooms.Logger, ex);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
