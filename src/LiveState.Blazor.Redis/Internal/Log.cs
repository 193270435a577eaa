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

    [LoggerMessage(111, LogLevel.Warning, "Could not subscribe to the LiveState channel of {Channel} ({Reason}); retrying on the next heartbeat.")]
    public static partial void SubscribeFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(112, LogLevel.Warning, "A message on the LiveState channel could not be read ({Problem}); skipped. {Suppressed} more were skipped since the last such line.")]
    public static partial void MessageUnreadable(ILogger logger, string problem, int suppressed);

    [LoggerMessage(113, LogLevel.Debug, "A {Kind} message from another server could not be handled fully: {Reason}.")]
    public static partial void MessageHandlingFailed(ILogger logger, WireKind kind, string reason);

    [LoggerMessage(114, LogLevel.Debug, "Handling a {Kind} message from another server failed: {Reason}.")]
    public static partial void MessageHandlerFailed(ILogger logger, WireKind kind, string reason);

    [LoggerMessage(115, LogLevel.Warning, "Delivering a broadcast from another server failed.")]
    public static partial void RemoteDeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(116, LogLevel.Debug, "A message of an older LiveState was skipped ({Problem}): servers of two versions share no channel but the one to all during a deploy. {Suppressed} more were skipped since the last such line.")]
    public static partial void MessageOfOlderVersion(ILogger logger, string problem, int suppressed);

    [LoggerMessage(117, LogLevel.Debug, "A presence message of {Topic} was missed; its presence is read again.")]
    public static partial void PresenceGap(ILogger logger, string topic);

    [LoggerMessage(120, LogLevel.Warning, "A {Kind} message could not be published to the other servers; a broadcast reached this server's circuits only.")]
    public static partial void PublishFailed(ILogger logger, WireKind kind, Exception exception);

    [LoggerMessage(121, LogLevel.Debug, "A {Kind} message could not be published either: {Reason}.")]
    public static partial void PublishStillFailing(ILogger logger, WireKind kind, string reason);

    [LoggerMessage(122, LogLevel.Information, "Broadcasts reach the other servers again.")]
    public static partial void PublishRecovered(ILogger logger);

    [LoggerMessage(131, LogLevel.Information, "Server {ServerId} was silent for {Timeout}; dropped its {Count} circuits from presence.")]
    public static partial void ServerExpired(ILogger logger, string serverId, int count, TimeSpan timeout);

    [LoggerMessage(132, LogLevel.Error, "A presence change handler failed on {Kind}.")]
    public static partial void PresenceHandlerFailed(ILogger logger, LiveCircuitChangeKind kind, Exception exception);

    [LoggerMessage(133, LogLevel.Information, "Caught up after a Redis outage: {Servers} other servers live, the presence of {Topics} hosted groups and users read again.")]
    public static partial void CaughtUp(ILogger logger, int servers, int topics);

    [LoggerMessage(134, LogLevel.Information, "Server {ServerId} died without a farewell; removed its {Circuits} circuits from the presence of {Topics} groups and users.")]
    public static partial void ServerReaped(ILogger logger, string serverId, int circuits, int topics);

    [LoggerMessage(135, LogLevel.Warning, "This server's presence lease ({ServerId}) had ended (it was paused or cut off from Redis past the timeout); its presence is written again.")]
    public static partial void LeaseLapsed(ILogger logger, string serverId);

    [LoggerMessage(136, LogLevel.Warning, "A presence entry of server {ServerId} could not be read ({Problem}); skipped. {Suppressed} more were skipped since the last such line.")]
    public static partial void PresenceEntryUnreadable(ILogger logger, string serverId, string problem, int suppressed);

    [LoggerMessage(137, LogLevel.Debug, "Reading the presence of a group or user not hosted here failed ({Reason}); the answers stay as they were.")]
    public static partial void PresenceLookupFailed(ILogger logger, string reason);

    [LoggerMessage(142, LogLevel.Warning, "Slot {SlotKey} of group {GroupId} could not be read ({Reason}): another version of the app may have written it. {Suppressed} more were skipped since the last such line.")]
    public static partial void SlotUnreadable(ILogger logger, string slotKey, string groupId, string reason, int suppressed);

    [LoggerMessage(141, LogLevel.Debug, "Slot {SlotKey} of group {GroupId} was not updated: Redis is unavailable ({Reason}).")]
    public static partial void UpdateUnavailable(ILogger logger, string slotKey, string groupId, string reason);

    [LoggerMessage(143, LogLevel.Warning, "The state of group {GroupId} is gone from Redis although it was on screen here (expired, evicted, or deleted outside LiveState); its cached copy is dropped and its screens show what Redis holds.")]
    public static partial void GroupVanished(ILogger logger, string groupId);

    [LoggerMessage(150, LogLevel.Warning, "The Redis backend's {Loop} failed ({Reason}); it retries in {BackoffMs} ms and is reported failing until it succeeds.")]
    public static partial void LoopFailed(ILogger logger, string loop, string reason, long backoffMs, Exception exception);

    [LoggerMessage(151, LogLevel.Debug, "The Redis backend's {Loop} is still failing ({Failures} failures in a row, {Suppressed} not logged): {Reason}.")]
    public static partial void LoopStillFailing(ILogger logger, string loop, int failures, int suppressed, string reason);

    [LoggerMessage(152, LogLevel.Information, "The Redis backend's {Loop} works again after {Failures} failures in {Duration}.")]
    public static partial void LoopRecovered(ILogger logger, string loop, int failures, TimeSpan duration);

    [LoggerMessage(153, LogLevel.Information, "This server could not say farewell to the others ({Reason}); they drop its circuits when its presence lease ends.")]
    public static partial void FarewellFailed(ILogger logger, string reason);

    [LoggerMessage(154, LogLevel.Information, "Using the IConnectionMultiplexer registered in the application's services (endpoints {EndPoints}) as server {ServerId}; the application owns it, LiveState does not dispose it or change its configuration.")]
    public static partial void UsingRegisteredMultiplexer(ILogger logger, string endPoints, string serverId);
}
