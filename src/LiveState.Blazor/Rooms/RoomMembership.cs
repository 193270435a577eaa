namespace LiveState.Blazor.Rooms;

/// <summary>
/// One room one circuit is in: the handles that hold it (the circuit leaves when the last one goes) and the circuit's
/// metadata there. Metadata is written to the room's <see cref="RoomMembers"/> slot by one flush at a time: what is set
/// while a write is on its way is written next, the last value winning, so a burst of changes costs a write or two.
/// </summary>
internal sealed class RoomMembership
{
    private readonly CircuitRooms _rooms;
    private readonly Lock _gate = new();
    private readonly List<RoomHandle> _handles = []; // under the CircuitRooms lock
    private readonly Task _previous;
    private IReadOnlyDictionary<string, string> _metadata = RoomMetadata.Empty;
    private IReadOnlyDictionary<string, string>? _desired; // under _gate: what the slot should hold for this circuit (null: no entry)
    private IReadOnlyDictionary<string, string>? _stored; // under _gate: what the last write stored (null: nothing)
    private long _version; // under _gate: bumped on every change of _desired
    private TaskCompletionSource? _flush; // under _gate: the running flush

    /// <param name="rooms">The circuit's rooms.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="groupId">Its group.</param>
    /// <param name="circuitId">The circuit.</param>
    /// <param name="previous">The removal of the entry of this circuit's previous membership of the room, if one is still on its way: the first write waits for it.</param>
    public RoomMembership(CircuitRooms rooms, string roomId, string groupId, string circuitId, Task? previous)
    {
        _rooms = rooms;
        RoomId = roomId;
        GroupId = groupId;
        CircuitId = circuitId;
        _previous = previous ?? Task.CompletedTask;
    }

    public string RoomId { get; }

    public string GroupId { get; }

    public string CircuitId { get; }

    /// <summary>The identity generation its last grant was for (under the CircuitRooms lock).</summary>
    public int GrantedGeneration { get; set; }

    /// <summary>Left, taken away or closed (under the CircuitRooms lock): never joined again; a new join makes a new membership.</summary>
    public bool Ended { get; set; }

    public IReadOnlyDictionary<string, string> Metadata => Volatile.Read(ref _metadata);

    /// <summary>Under the CircuitRooms lock.</summary>
    public void Add(RoomHandle handle) => _handles.Add(handle);

    /// <summary>Under the CircuitRooms lock; returns how many handles are left.</summary>
    public int Remove(RoomHandle handle)
    {
        _handles.Remove(handle);
        return _handles.Count;
    }

    /// <summary>Under the CircuitRooms lock: every handle, removed.</summary>
    public RoomHandle[] TakeHandles()
    {
        RoomHandle[] all = [.. _handles];
        _handles.Clear();
        return all;
    }

    /// <summary>Sets the circuit's metadata (a checked, private copy); completes once a write that includes it is stored.</summary>
    public Task SetMetadataAsync(IReadOnlyDictionary<string, string> metadata)
    {
        Volatile.Write(ref _metadata, metadata);
        return Want(metadata);
    }

    /// <summary>Removes the circuit's entry from the room's slot, after any write still on its way.</summary>
    public Task RemoveEntryAsync() => Want(null);

    private Task Want(IReadOnlyDictionary<string, string>? desired)
    {
        TaskCompletionSource flush;
        lock (_gate)
        {
            if (_flush is null && RoomMetadata.AreEqual(_stored, desired))
            {
                return Task.CompletedTask;
            }

            _desired = desired;
            _version++;
            if (_flush is { } running)
            {
                return running.Task;
            }

            flush = _flush = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Outside the lock: with a store that answers at once (in memory) the write, and the renders of the room's
        // readers here, happen on this thread, as an update from a component does.
        _ = FlushAsync();
        return flush.Task;
    }

    private async Task FlushAsync()
    {
        await _previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (true)
        {
            IReadOnlyDictionary<string, string>? desired;
            IReadOnlyDictionary<string, string>? stored;
            long version;
            lock (_gate)
            {
                desired = _desired;
                stored = _stored;
                version = _version;
            }

            try
            {
                if (!RoomMetadata.AreEqual(stored, desired))
                {
                    await _rooms.WriteEntryAsync(this, desired).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                TaskCompletionSource failed;
                lock (_gate)
                {
                    failed = _flush!;
                    _flush = null;
                }

                RoomLog.MetadataWriteFailed(_rooms.Logger, RoomId, ex);
                failed.TrySetException(ex);
                return;
            }

            TaskCompletionSource? done = null;
            lock (_gate)
            {
                _stored = desired;
                if (_version == version)
                {
                    done = _flush;
                    _flush = null;
                }
            }

            if (done is not null)
            {
                done.TrySetResult();
                return;
            }
        }
    }
}
