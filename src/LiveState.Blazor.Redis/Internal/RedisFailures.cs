using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>Tells a Redis that cannot serve right now (down, unreachable, out of memory, loading, failing over) from a programming error.</summary>
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
        message.StartsWith("OOM", StringComparison.Ordinal)
        || message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("BUSY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);

    /// <summary>
    /// What failed, for a log line or a health report: the exception's type and the first line of its message, cut
    /// short. (The client is configured to leave keys and command arguments out of its messages.)
    /// </summary>
    public static string Describe(Exception exception)
    {
        var message = exception.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        if (end >= 0)
        {
            message = message[..end];
        }

        if (message.Length > 160)
        {
            message = string.Concat(message.AsSpan(0, 160), "…");
        }

        return $"{exception.GetType().Name}: {message}";
    }
}
