using LiveState.Blazor.Circuits;
using LiveState.Blazor.Components;

namespace LiveState.Blazor.Rooms;

/// <summary><see cref="ILiveState{T}"/> of a room's group, read and written through a joined handle only.</summary>
internal sealed class RoomStateHandle<T>(RoomHandle room) : ILiveState<T> where T : class, new()
{
    public string GroupId => room.GroupId;

    /// <summary>The room's snapshot; a new <typeparamref name="T"/> once the room was taken away (never the room's).</summary>
    public T Value => room.CanRead ? room.Rooms.States.Get<T>(room.GroupId) : new T();

    public Task<T> MutateAsync(Action<T> mutate, CancellationToken cancellationToken = default)
    {
        room.EnsureWritable();
        return room.Rooms.States.MutateAsync(room.GroupId, mutate, cancellationToken);
    }

    public Task<T> ReplaceAsync(Func<T, T> update, CancellationToken cancellationToken = default)
    {
        room.EnsureWritable();
        return room.Rooms.States.ReplaceAsync(room.GroupId, update, cancellationToken);
    }

    public IDisposable Subscribe(Action onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        room.EnsureWritable();
        var subscription = CallbackTarget.Subscribe(room.Rooms.Context, new LiveInterest(LiveChangeKind.Slot, room.GroupId, SlotKey<T>.Value), onChanged);
        room.Track(subscription);
        return subscription;
    }

    public override string ToString() => $"ILiveState<{typeof(T).Name}> of room {room.Id}";
}
