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

    /// <summary>
    /// Removes what StackExchange.Redis adds to an exception's <see cref="Exception.Data"/> (<c>Redis-*</c>): even with
    /// <c>IncludeDetailInExceptions</c> off, a timeout keeps the command and its key there, and a key holds a group
    /// id. Call it before an exception leaves the library or reaches a log. Returns <paramref name="exception"/>.
    /// </summary>
    public static TException Scrub<TException>(TException exception) where TException : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current.Data.Count > 0)
            {
                var keys = new List<object>();
                foreach (var key in current.Data.Keys)
                {
                    if (key is string name && name.StartsWith("redis-", StringComparison.OrdinalIgnoreCase))
                    {
                        keys.Add(key);
                    }
                }

                foreach (var key in keys)
                {
                    current.Data.Remove(key);
                }
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Scrub(inner);
                }
            }
        }

        return exception;
    }
}
