using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>Publishes broadcasts on the app's channel. A failure is logged (once per outage as a warning), never thrown.</summary>
internal sealed class BackplanePublisher
{
    // A broadcast waits this long at most for this server's pending presence changes to go out first.
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);

    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly PresenceWriter _presence;
    private readonly ILogger _logger;
    private int _failing;

    public BackplanePublisher(RedisConnection connection, RedisNames names, PresenceWriter presence, ILogger<BackplanePublisher> logger)
    {
        _connection = connection;
        _names = names;
        _presence = presence;
        _logger = logger;
    }

    /// <summary>Returns whether Redis took the message.</summary>
    public async ValueTask<bool> PublishAsync(BackplaneMessage message)
    {
        try
        {
            // Circuit changes first: a server that re-renders for this broadcast then already counts them.
            var flushed = _presence.FlushAsync();
            if (!flushed.IsCompleted)
            {
                await flushed.WaitAsync(FlushTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            await multiplexer.GetSubscriber().PublishAsync(_names.Events, message.ToUtf8()).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _failing, 0) == 1)
            {
                Log.PublishRecovered(_logger);
            }

            return true;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0)
            {
                Log.PublishFailed(_logger, message.Kind, RedisFailures.Scrub(ex));
            }
            else
            {
                Log.PublishStillFailing(_logger, message.Kind, RedisFailures.Describe(ex));
            }

            return false;
        }
    }
}
