using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>The Redis backend's log messages. Event ids are stable (100-199); no message carries a whole browser id.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Connected to Redis at {EndPoints} as server {ServerId}.")]
    public static partial void Connected(ILogger logger, string endPoints, string serverId);

    [LoggerMessage(101, LogLevel.Warning, "Redis at {EndPoints} is not reachable yet; retrying in the background. Connection log: {ConnectionLog}")]
    public static partial void NotConnectedYet(ILogger logger, string endPoints, string connectionLog);

    [LoggerMessage(102, LogLevel.Error, "Could not create the Redis connection.")]
    public static partial void ConnectFailed(ILogger logger, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Redis connection to {EndPoint} ({ConnectionType}) failed: {FailureType}.")]
    public static partial void ConnectionFailed(ILogger logger, string? endPoint, ConnectionType connectionType, ConnectionFailureType failureType, Exception? exception);

    [LoggerMessage(104, LogLevel.Information, "Redis connection to {EndPoint} ({ConnectionType}) restored.")]
    public static partial void ConnectionRestored(ILogger logger, string? endPoint, ConnectionType connectionType);

    [LoggerMessage(105, LogLevel.Error, "Handling the restored Redis connection failed.")]
    public static partial void RestoreHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(110, LogLevel.Information, "Subscribed to {Channel} as server {ServerId}.")]
    public static partial void Subscribed(ILogger logger, string channel, string serverId);

    [LoggerMessage(111, LogLevel.Warning, "Could not subscribe to the LiveState channel ({Reason}); retrying on the next heartbeat.")]
    public static partial void SubscribeFailed(ILogger logger, string reason);

    [LoggerMessage(112, LogLevel.Warning, "A message on the LiveState channel could not be read; skipped.")]
    public static partial void MessageUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(113, LogLevel.Debug, "A {Kind} message from another server could not be handled fully: {Reason}.")]
    public static partial void MessageHandlingFailed(ILogger logger, MessageKind kind, string reason);

    [LoggerMessage(114, LogLevel.Error, "Handling a {Kind} message from another server failed.")]
    public static partial void MessageHandlerFailed(ILogger logger, MessageKind kind, Exception exception);

    [LoggerMessage(115, LogLevel.Warning, "Delivering a broadcast from another server failed.")]
    public static partial void RemoteDeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(120, LogLevel.Warning, "A {Kind} broadcast could not be published to the other servers; it reached this server's circuits only.")]
    public static partial void PublishFailed(ILogger logger, MessageKind kind, Exception exception);

    [LoggerMessage(121, LogLevel.Debug, "A {Kind} broadcast could not be published either: {Reason}.")]
    public static partial void PublishStillFailing(ILogger logger, MessageKind kind, string reason);

    [LoggerMessage(122, LogLevel.Information, "Broadcasts reach the other servers again.")]
    public static partial void PublishRecovered(ILogger logger);

    [LoggerMessage(130, LogLevel.Debug, "Publishing this server's presence failed ({Reason}); it is written again once Redis answers.")]
    public static partial void PresenceWriteFailed(ILogger logger, string reason);

    [LoggerMessage(131, LogLevel.Information, "Server {ServerId} was silent for {Timeout}; dropped its {Count} circuits from presence.")]
    public static partial void ServerExpired(ILogger logger, string serverId, int count, TimeSpan timeout);

    [LoggerMessage(132, LogLevel.Error, "A presence change handler failed on {Kind}.")]
    public static partial void PresenceHandlerFailed(ILogger logger, LiveCircuitChangeKind kind, Exception exception);

    [LoggerMessage(133, LogLevel.Information, "Caught up after a Redis outage: {Servers} other servers with {Circuits} circuits.")]
    public static partial void CaughtUp(ILogger logger, int servers, int circuits);

    [LoggerMessage(134, LogLevel.Debug, "Catching up with Redis failed ({Reason}); trying again on the next heartbeat.")]
    public static partial void CatchUpFailed(ILogger logger, string reason);

    [LoggerMessage(135, LogLevel.Error, "The LiveState heartbeat failed.")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(140, LogLevel.Debug, "Refreshing the cached state of group {GroupId} failed; serving the cached snapshot.")]
    public static partial void CacheRefreshFailed(ILogger logger, string groupId, Exception exception);

    [LoggerMessage(141, LogLevel.Debug, "Slot {SlotKey} of group {GroupId} was not updated: Redis is unavailable ({Reason}).")]
    public static partial void UpdateUnavailable(ILogger logger, string slotKey, string groupId, string reason);
}
