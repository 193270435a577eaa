using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Rooms;

/// <summary>The rooms' log messages (event ids 70-79). Room ids are bounded (<see cref="LiveRooms.MaxIdLength"/>, a fixed alphabet).</summary>
internal static partial class RoomLog
{
    [LoggerMessage(70, LogLevel.Warning, "A join of a room was refused because no ILiveRoomAuthorizer is registered: every join is refused until one is (AddLiveState().AddRoomAuthorizer<T>()). Logged once.")]
    public static partial void NoAuthorizer(ILogger logger);

    [LoggerMessage(71, LogLevel.Error, "The room authorizer {Authorizer} failed; the join of room {RoomId} is refused.")]
    public static partial void AuthorizerFailed(ILogger logger, string authorizer, string roomId, Exception exception);

    [LoggerMessage(72, LogLevel.Debug, "Circuit {CircuitId} joined room {RoomId}.")]
    public static partial void Joined(ILogger logger, string circuitId, string roomId);

    [LoggerMessage(73, LogLevel.Debug, "Circuit {CircuitId} left room {RoomId}.")]
    public static partial void Left(ILogger logger, string circuitId, string roomId);

    [LoggerMessage(74, LogLevel.Information, "Circuit {CircuitId} lost room {RoomId}: the authorizer refuses its new principal.")]
    public static partial void Revoked(ILogger logger, string circuitId, string roomId);

    [LoggerMessage(75, LogLevel.Warning, "Updating this circuit's metadata in room {RoomId} failed.")]
    public static partial void MetadataWriteFailed(ILogger logger, string roomId, Exception exception);

    [LoggerMessage(76, LogLevel.Warning, "Re-rendering a reader of a room's presence failed.")]
    public static partial void PresenceRenderFailed(ILogger logger, Exception exception);

    [LoggerMessage(77, LogLevel.Debug, "A join of room {RoomId} was refused.")]
    public static partial void Refused(ILogger logger, string roomId);
}
