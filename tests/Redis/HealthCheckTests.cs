using System.Diagnostics;
using System.Net;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using LiveState.Blazor.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// <c>AddHealthChecks().AddLiveStateRedis()</c> against a real redis-server of each test's own, which it kills and
/// restarts: the report follows the connection, the subscription and PING, and never throws or hangs. Run in the
/// fault collection (one class at a time), so its time bounds are not stretched by the heavy tests.
/// </summary>
[Collection(Faults.FaultCollection.Name)]
public sealed class HealthCheckTests
{
    // The check's own bound is its timeout; the answer bound follows it (the check waits at most one timeout for PING,
    // the rest is slack for a busy machine), and the class runs in the fault collection, beside no other test.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AnswerBound = 3 * CheckTimeout;

    [Fact]
    public async Task HealthEndpointIsHealthyThenUnhealthyWhileRedisIsDownThenHealthyAgain()
    {
        await using var redis = await RedisServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = App(), EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddLiveState().AddRedis(redis.EndPoint, FastHeartbeat);
        builder.Services.AddHealthChecks().AddLiveStateRedis(timeout: CheckTimeout);
        await using var app = builder.Build();
        app.MapHealthChecks("/health");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetHealthAsync(http));

        redis.Kill();
        var clock = Stopwatch.StartNew();
        await Wait.UntilAsync(async () => await GetHealthAsync(http) == (HttpStatusCode.ServiceUnavailable, "Unhealthy"), "/health reports Redis down", TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"noticed the outage after {clock.Elapsed}");

        // Every answer while Redis is away comes back within the check's bound.
        var single = Stopwatch.StartNew();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await GetHealthAsync(http));
        Assert.True(single.Elapsed < AnswerBound, $"/health took {single.Elapsed} while Redis was down");

        await redis.RestartAsync();
        await Wait.UntilAsync(async () => await GetHealthAsync(http) == (HttpStatusCode.OK, "Healthy"), "/health reports Redis back", TimeSpan.FromSeconds(20));
        await app.StopAsync();
    }

    [Fact]
    public async Task HealthyReportCarriesConnectionSubscriptionAndPingInItsData()
    {
        await using var redis = await RedisServer.StartAsync();
        using var host = await StartHostAsync(live => live.AddRedis(redis.EndPoint, FastHeartbeat), checks => checks.AddLiveStateRedis(tags: ["ready"], timeout: CheckTimeout));

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("subscribed", entry.Description, StringComparison.Ordinal);
        Assert.Equal(true, entry.Data["connected"]);
        Assert.Equal(true, entry.Data["subscribed"]);
        Assert.InRange((double)entry.Data["ping_ms"], 0, CheckTimeout.TotalMilliseconds);
        Assert.Contains(redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)entry.Data["endpoints"], StringComparison.Ordinal);
        Assert.EndsWith("events", (string)entry.Data["channel"], StringComparison.Ordinal);
        Assert.Equal(["ready"], entry.Tags);
        Assert.Null(entry.Exception);
    }

    [Fact]
    public async Task KilledRedisReportsTheConfiguredFailureStatusWithinTheTimeoutAndHealthyAfterRestart()
    {
        await using var redis = await RedisServer.StartAsync();
        using var host = await StartHostAsync(
            live => live.AddRedis(redis.EndPoint, FastHeartbeat),
            checks => checks.AddLiveStateRedis(name: "redis-backplane", failureStatus: HealthStatus.Degraded, timeout: CheckTimeout));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "redis-backplane")).Status);

        redis.Kill();
        await Wait.UntilAsync(async () => (await CheckAsync(host, "redis-backplane")).Status == HealthStatus.Degraded, "the check reports the outage", TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var down = await CheckAsync(host, "redis-backplane");
        Assert.True(clock.Elapsed < AnswerBound, $"the check took {clock.Elapsed} while Redis was down");
        Assert.Equal(HealthStatus.Degraded, down.Status);
        Assert.Equal(false, down.Data["connected"]);
        Assert.False(string.IsNullOrWhiteSpace(down.Description));

        await redis.RestartAsync();
        await Wait.UntilAsync(async () => (await CheckAsync(host, "redis-backplane")).Status == HealthStatus.Healthy, "the check reports Redis back", TimeSpan.FromSeconds(20));
        Assert.Equal(true, (await CheckAsync(host, "redis-backplane")).Data["subscribed"]);
    }

    [Fact]
    public async Task ConnectedButNotSubscribedIsDegraded()
    {
        await using var redis = await RedisServer.StartAsync();
        using var host = await StartHostAsync(live => live.AddRedis(redis.EndPoint, FastHeartbeat), checks => checks.AddLiveStateRedis(timeout: CheckTimeout));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);

        // Stopping the backend drops its subscriptions and its heartbeat (which would subscribe again); the connection stays.
        await host.Services.GetRequiredService<RedisLiveStateBackend>().StopAsync(CancellationToken.None);
        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("not subscribed", entry.Description, StringComparison.Ordinal);
        Assert.Equal(true, entry.Data["connected"]);
        Assert.Equal(false, entry.Data["subscribed"]);
        Assert.True(entry.Data.ContainsKey("ping_ms"));
    }

    [Fact]
    public async Task RedisThatNeverCameUpIsUnhealthyNotAnException()
    {
        var nobody = RedisServer.FreePort();
        using var host = await StartHostAsync(live => live.AddRedis($"127.0.0.1:{nobody},connectTimeout=500", FastHeartbeat), checks => checks.AddLiveStateRedis(timeout: CheckTimeout));

        var clock = Stopwatch.StartNew();
        var entry = await CheckAsync(host);

        Assert.True(clock.Elapsed < AnswerBound, $"the check took {clock.Elapsed}");
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("down", entry.Description, StringComparison.Ordinal);
        Assert.Equal(false, entry.Data["connected"]);
        Assert.Equal(false, entry.Data["subscribed"]);
    }

    [Fact]
    public async Task WithoutAddRedisTheCheckSaysSoInsteadOfThrowing()
    {
        using var host = await StartHostAsync(_ => { }, checks => checks.AddLiveStateRedis());

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("AddRedis", entry.Description, StringComparison.Ordinal);
        Assert.Null(entry.Exception);
    }

    private static string App() => "health-" + Guid.NewGuid().ToString("N")[..8];

    private static void FastHeartbeat(RedisLiveStateOptions options)
    {
        options.PresenceHeartbeatInterval = TimeSpan.FromMilliseconds(200);
        options.PresenceTimeout = TimeSpan.FromSeconds(3);
    }

    private static async Task<IHost> StartHostAsync(Action<ILiveStateBuilder> live, Action<IHealthChecksBuilder> checks)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = App(), EnvironmentName = "Production" });
        live(builder.Services.AddLiveState());
        checks(builder.Services.AddHealthChecks());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host, string name = RedisLiveStateHealthCheckBuilderExtensions.DefaultName)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[name];
    }

    private static async Task<(HttpStatusCode, string)> GetHealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
