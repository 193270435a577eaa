namespace LiveState.Blazor.Rooms;

/// <summary>
/// <see cref="ILiveRoom"/>: one component's hold on a room its circuit joined (or, while prerendering, a granted read of
/// it). What the component reads through it subscribes it: a slot read through <see cref="State{T}"/> adds the slot to
/// a <see cref="RoomStateTarget"/>, a read of <see cref="Presence"/> adds a coalescing <see cref="RoomPresenceTarget"/>.
/// </summary>
internal sealed class RoomHandle : ILiveRoom
{
    public const int Joined = 0;
    public const int Left = 1;
    public const int Revoked = 2;
    public const int Closed = 3;

    private readonly CircuitRooms _rooms;
    private readonly RoomOwner? _owner;
    private readonly Lock _gate = new();
    private int _state;
    private RoomStateTarget? _stateTarget; // under _gate
    private RoomPresenceTarget? _presenceTarget; // under _gate
    private Dictionary<Type, object>? _slots; // under _gate
    private RoomPresenceView? _presence;
    private List<IDisposable>? _subscriptions; // under _gate

    public RoomHandle(CircuitRooms rooms, string roomId, string groupId, RoomMembership? membership, RoomOwner? owner)
    {
        _rooms = rooms;
        Id = roomId;
        GroupId = groupId;
        Membership = membership;
        _owner = owner;
    }

    public string Id { get; }

    public string GroupId { get; }

    /// <summary>The circuit's membership; null for a read without a circuit (prerendering).</summary>
    public RoomMembership? Membership { get; }

    public bool IsJoined => Volatile.Read(ref _state) == Joined;

    internal CircuitRooms Rooms => _rooms;

    /// <summary>Whether reads show the room (false once it was taken away or the circuit closed: they show nothing). Throws once left.</summary>
    internal bool CanRead
    {
        get
        {
            var state = Volatile.Read(ref _state);
            ObjectDisposedException.ThrowIf(state == Left, this);
            return state == Joined;
        }
    }

    public IReadOnlyDictionary<string, string> Metadata => Membership?.Metadata ?? RoomMetadata.Empty;

    public ILiveRoomPresence Presence
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == Left, this);
            lock (_gate)
            {
                if (_presenceTarget is null && _owner is not null && Membership is not null && IsJoined)
                {
                    _presenceTarget = new RoomPresenceTarget(this, _owner);
                    _rooms.Context.AddTarget(_presenceTarget);
                }

                return _presence ??= new RoomPresenceView(this);
            }
        }
    }

    public ILiveState<T> State<T>() where T : class, new()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _state) == Left, this);
        lock (_gate)
        {
            _slots ??= [];
            if (_slots.TryGetValue(typeof(T), out var known))
            {
                return (ILiveState<T>)known;
            }

            var slot = new RoomStateHandle<T>(this);
            _slots.Add(typeof(T), slot);
            if (_owner is not null && Membership is not null && IsJoined)
            {
                if (_stateTarget is null)
                {
                    _stateTarget = new RoomStateTarget(this, _owner);
                    _stateTarget.Add(SlotKey<T>.Value);
                    _rooms.Context.AddTarget(_stateTarget);
                }
                else
                {
                    _stateTarget.Add(SlotKey<T>.Value);
                }
            }

            return slot;
        }
    }

    public Task SetMetadataAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        var copy = RoomMetadata.Copy(metadata, nameof(metadata));

        // Prerendering: the tab is no member yet; its circuit sets its metadata when it joins.
        return Membership is { } membership ? membership.SetMetadataAsync(copy).WaitAsync(cancellationToken) : Task.CompletedTask;
    }

    public Task SetMetadataAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        EnsureWritable();
        var next = new Dictionary<string, string>(Metadata, StringComparer.Ordinal);
        if (value is null)
        {
            next.Remove(key);
        }
        else
        {
            next[key] = value;
        }

        return SetMetadataAsync(next, cancellationToken);
    }

    public Task LeaveAsync() => _rooms.LeaveAsync(this);

    /// <summary>Joined → left; false when it was not joined (left before, taken away, closed).</summary>
    internal bool MarkLeft() => Interlocked.CompareExchange(ref _state, Left, Joined) == Joined;

    /// <summary>The room was taken away (<see cref="Revoked"/>) or the circuit closed (<see cref="Closed"/>).</summary>
    internal void MarkEnded(int how) => Interlocked.CompareExchange(ref _state, how, Joined);

    /// <summary>Stops every subscription made through the handle.</summary>
    internal void Stop()
    {
        RoomStateTarget? state;
        RoomPresenceTarget? presence;
        List<IDisposable>? subscriptions;
        lock (_gate)
        {
            state = _stateTarget;
            presence = _presenceTarget;
            subscriptions = _subscriptions;
            _stateTarget = null;
            _presenceTarget = null;
            _subscriptions = null;
        }

        if (state is not null)
        {
            _rooms.Context.RemoveTarget(state);
        }

        if (presence is not null)
        {
            _rooms.Context.RemoveTarget(presence);
            presence.Dispose();
        }

        foreach (var subscription in subscriptions ?? [])
        {
            subscription.Dispose();
        }
    }

    /// <summary>Keeps a subscription made through the handle, to end it with the handle.</summary>
    internal void Track(IDisposable subscription)
    {
        lock (_gate)
        {
            if (IsJoined)
            {
                (_subscriptions ??= []).Add(subscription);
                return;
            }
        }

        subscription.Dispose();
    }

    internal void EnsureWritable()
    {
        switch (Volatile.Read(ref _state))
        {
            case Joined:
                return;
            case Revoked:
                throw LiveRoomAccessDeniedException.Refused(Id);
            default:
                throw new ObjectDisposedException(nameof(ILiveRoom), $"Room '{Id}' was left.");
        }
    }

    public override string ToString() => $"room {Id}{(IsJoined ? string.Empty : " (left)")}";
}
