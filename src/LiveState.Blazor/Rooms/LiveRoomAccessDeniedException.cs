namespace LiveState.Blazor;

/// <summary>
/// A join of a room was refused: an <see cref="ILiveRoomAuthorizer"/> said no, one failed (see the inner exception and
/// the log), or none is registered. Catch it around <see cref="LiveComponent.JoinRoomAsync"/> to show the refusal; nothing
/// of the room was read.
/// </summary>
public sealed class LiveRoomAccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LiveRoomAccessDeniedException()
        : base("Joining the room was refused.")
    {
        RoomId = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why.</param>
    public LiveRoomAccessDeniedException(string message)
        : base(message)
    {
        RoomId = string.Empty;
    }

    /// <summary>Creates the exception with a message and the authorizer's failure.</summary>
    /// <param name="message">Why.</param>
    /// <param name="innerException">What the authorizer threw.</param>
    public LiveRoomAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
        RoomId = string.Empty;
    }

    internal LiveRoomAccessDeniedException(string roomId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        RoomId = roomId;
    }

    /// <summary>The room whose join was refused (empty when not given).</summary>
    public string RoomId { get; }

    /// <summary>Whether no authorizer said no: one failed, or none is registered.</summary>
    public bool IsFailure => InnerException is not null || NoAuthorizer;

    internal bool NoAuthorizer { get; init; }

    internal static LiveRoomAccessDeniedException Refused(string roomId) =>
        new(roomId, $"Joining room '{roomId}' was refused.");

    internal static LiveRoomAccessDeniedException Failed(string roomId, Exception failure) =>
        new(roomId, $"Joining room '{roomId}' was refused: the room authorizer failed.", failure);

    internal static LiveRoomAccessDeniedException Unconfigured(string roomId) =>
        new(roomId, $"Joining room '{roomId}' was refused: no ILiveRoomAuthorizer is registered, and without one every join is refused. Register one with AddLiveState().AddRoomAuthorizer<T>() (or AddRoomAuthorizer((request, ct) => ...)); see docs/rooms.md.")
        {
            NoAuthorizer = true,
        };
}
