using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>Tells a Redis that cannot serve right now (down, unreachable, loading, failing over) from a programming error.</summary>
internal static class RedisFailures
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        LiveStateUnavailableException => true,
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => IsTransient(server.Message),

        // The multiplexer was disposed under the caller: the app is shutting down.
        ObjectDisposedException => true,
        _ => false,
    };

    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);
}
