using LiveState.Blazor.Redis.Health;
using LiveState.Blazor.Redis.Internal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of LiveState's Redis backend.</summary>
public static class RedisLiveStateHealthCheckBuilderExtensions
{
    /// <summary>The name of the check unless another is given.</summary>
    public const string DefaultName = "livestate-redis";

    /// <summary>How long the check waits for Redis to answer PING unless another timeout is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Adds a health check of LiveState's Redis backend (the one <c>AddLiveState().AddRedis(...)</c> set up). It is
    /// <see cref="HealthStatus.Healthy"/> when the connection is up, this server is subscribed to the app's channel,
    /// none of the backend's background jobs is failing and Redis answers PING within half the
    /// <paramref name="timeout"/>; <see cref="HealthStatus.Degraded"/> when connected but not subscribed (broadcasts
    /// of other servers do not arrive), when a background job keeps failing (for example the presence writer while
    /// Redis is out of memory; the data then holds <c>failing</c>), or slow to answer; and
    /// <paramref name="failureStatus"/> when the connection is down (reconnecting), was never made, or PING fails
    /// or times out. The result's data holds <c>connected</c>, <c>subscribed</c>, <c>ping_ms</c>,
    /// <c>endpoints</c>, <c>channel</c> and <c>server</c> (this server's id). The check never throws and never
    /// opens a connection itself.
    /// </summary>
    /// <param name="builder">The builder <c>AddHealthChecks()</c> returned.</param>
    /// <param name="name">The check's name. Default <see cref="DefaultName"/>.</param>
    /// <param name="failureStatus">The status reported when Redis is out of reach. Default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, for example <c>ready</c>.</param>
    /// <param name="timeout">How long to wait for PING. Default <see cref="DefaultTimeout"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddLiveStateRedis(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var wait = timeout ?? DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(wait, TimeSpan.Zero, nameof(timeout));

        return builder.Add(new HealthCheckRegistration(
            name,
            services => new RedisLiveStateHealthCheck(
                services.GetService<RedisConnection>(),
                services.GetService<Subscriptions>(),
                services.GetService<RedisNames>(),
                services.GetService<ServerIdentity>(),
                services.GetService<BackendLoops>(),
                wait),
            failureStatus,
            tags));
    }
}
