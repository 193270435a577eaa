using System.Globalization;
using LiveState.Blazor.Redis.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Health;

/// <summary>
/// Reports what LiveState's Redis backend can do right now: whether its connection is up (or reconnecting), whether
/// it is subscribed to the app's channel (so broadcasts and presence of other servers arrive), and how long a PING
/// takes, and whether any of its background jobs (presence writer, heartbeat, message handler, catch-up) is failing.
/// Reads the backend's own connection, subscription and jobs; never opens a connection, never throws, and waits for
/// Redis no longer than its timeout.
/// </summary>
internal sealed class RedisLiveStateHealthCheck : IHealthCheck
{
    private readonly RedisConnection? _connection;
    private readonly Subscriptions? _subscriber;
    private readonly RedisNames? _names;
    private readonly ServerIdentity? _server;
    private readonly BackendLoops? _loops;
    private readonly TimeSpan _timeout;

    // The services are null when AddRedis was not called: the check then says so instead of failing to resolve.
    public RedisLiveStateHealthCheck(RedisConnection? connection, Subscriptions? subscriber, RedisNames? names, ServerIdentity? server, BackendLoops? loops, TimeSpan timeout)
    {
        _connection = connection;
        _subscriber = subscriber;
        _names = names;
        _server = server;
        _loops = loops;
        _timeout = timeout;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        try
        {
            return await CheckAsync(failure, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever a multiplexer being disposed under us (the app stopping) or a bug throws: a result, never a throw.
            return new HealthCheckResult(failure, $"The Redis health check failed: {RedisFailures.Describe(ex)}", RedisFailures.Scrub(ex));
        }
    }

    private async Task<HealthCheckResult> CheckAsync(HealthStatus failure, CancellationToken cancellationToken)
    {
        if (_connection is null || _subscriber is null || _names is null || _server is null)
        {
            return new HealthCheckResult(failure, "LiveState's Redis backend is not registered: call AddLiveState().AddRedis(...).");
        }

        var data = new Dictionary<string, object>
        {
            ["server"] = _server.Id,
            ["channel"] = _names.Events,
        };

        // Current, not GetAsync: a probe must not be the one to open (and wait for) the connection.
        if (_connection.Current is not { } multiplexer)
        {
            data["connected"] = false;
            data["subscribed"] = false;
            return new HealthCheckResult(failure, "LiveState has not connected to Redis yet.", data: data);
        }

        // Endpoints only: the configuration string may carry a password.
        data["endpoints"] = string.Join(", ", multiplexer.GetEndPoints().Select(e => e.ToString()));
        if (!multiplexer.IsConnected)
        {
            data["connected"] = false;
            data["subscribed"] = false;
            return new HealthCheckResult(
                failure,
                "LiveState's Redis connection is down and reconnecting in the background: updates fail, and broadcasts reach this server's circuits only.",
                data: data);
        }

        data["connected"] = true;
        TimeSpan roundTrip;
        try
        {
            roundTrip = await multiplexer.GetDatabase().PingAsync().WaitAsync(_timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            data["subscribed"] = IsSubscribed(multiplexer);
            return new HealthCheckResult(failure, $"Redis did not answer PING within {Milliseconds(_timeout)} ms.", data: data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failure, "The Redis health check was cancelled before Redis answered PING.", data: data);
        }
        catch (Exception ex)
        {
            // A connection that broke between IsConnected and the PING, or anything else: a result, never a throw.
            data["subscribed"] = IsSubscribed(multiplexer);
            return new HealthCheckResult(failure, $"Redis did not answer PING: {RedisFailures.Describe(ex)}", RedisFailures.Scrub(ex), data);
        }

        data["ping_ms"] = roundTrip.TotalMilliseconds;
        var subscribed = IsSubscribed(multiplexer);
        data["subscribed"] = subscribed;
        if (!subscribed)
        {
            return HealthCheckResult.Degraded(
                "Connected to Redis, but not subscribed to the LiveState channels: broadcasts and presence of other servers do not reach this server. The subscription is retried on every heartbeat.",
                data: data);
        }

        // Redis answers, yet one of the backend's own jobs keeps failing (Redis out of memory, data it cannot read):
        // this server works on, but what it should tell the others (presence) or hear from them may not get through.
        if (_loops?.Failing() is { Count: > 0 } failing)
        {
            data["failing"] = string.Join(", ", failing.Select(l => l.Name));
            var first = failing[0].Status;
            var since = first.Since is { } start ? $" since {start:O}" : string.Empty;
            return HealthCheckResult.Degraded(
                $"Connected to Redis, but LiveState's {data["failing"]} {(failing.Count == 1 ? "is" : "are")} failing{since} (failures in a row: {first.Failures}; last: {first.LastError}). Each retries with a backoff.",
                data: data);
        }

        if (roundTrip > _timeout / 2)
        {
            return HealthCheckResult.Degraded($"Connected to Redis and subscribed, but Redis is slow: PING took {Milliseconds(roundTrip)} ms.", data: data);
        }

        return HealthCheckResult.Healthy($"Connected to Redis and subscribed to the LiveState channels; PING took {Milliseconds(roundTrip)} ms.", data);
    }

    // The channel to every server and this server's own are subscribed, and the connection that carries them is up.
    private bool IsSubscribed(IConnectionMultiplexer multiplexer) => _subscriber!.IsListening;

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);
}
