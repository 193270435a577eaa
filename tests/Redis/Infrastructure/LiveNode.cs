using LiveState.Blazor.Circuits;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Tests.Infrastructure;

/// <summary>
/// One in-process "server": a generic host with LiveState (in memory, or on Redis with <c>AddRedis</c>), started
/// as an app would start it. Circuits are <see cref="FakeCircuit"/>s registered with its registry.
/// </summary>
internal sealed class LiveNode : IAsyncDisposable
{
    private static int s_circuits;
    private readonly IHost _host;
    private bool _stopped;

    private LiveNode(string name, IHost host, ListLoggerProvider logs)
    {
        Name = name;
        _host = host;
        Logs = logs;
    }

    public string Name { get; }

    public IServiceProvider Services => _host.Services;

    public ListLoggerProvider Logs { get; }

    public CircuitRegistry LocalRegistry => Services.GetRequiredService<CircuitRegistry>();

    public ILiveCircuitRegistry Presence => Services.GetRequiredService<ILiveCircuitRegistry>();

    public ILiveBroadcaster Broadcaster => Services.GetRequiredService<ILiveBroadcaster>();

    public ISessionGroupStateService States => Services.GetRequiredService<ISessionGroupStateService>();

    public ISessionGroupStore Store => Services.GetRequiredService<ISessionGroupStore>();

    public SlotCache Cache => Services.GetRequiredService<SlotCache>();

    public bool IsRedis => Services.GetService<RedisConnection>() is not null;

    /// <summary>Messages this node's backend received from other servers through Redis pub/sub so far.</summary>
    public long MessagesReceived => Backend.MessagesFromOthers;

    /// <summary>Circuits of other servers this node keeps in memory for presence.</summary>
    public int RemoteCircuitsHeld => Backend.RemoteCircuitsHeld;

    public RedisLiveStateBackend Backend => Services.GetRequiredService<RedisLiveStateBackend>();

    /// <summary>Commands this node sent on its interactive Redis connection so far (reads, writes, scripts).</summary>
    public long InteractiveOperations => Services.GetRequiredService<RedisConnection>().Current!.GetCounters().Interactive.OperationCount;

    /// <summary>How long the Redis health check of a node waits for PING.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The Redis health check's answer now, as a probe would get it.</summary>
    public async Task<HealthReportEntry> HealthAsync()
    {
        var report = await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[RedisLiveStateHealthCheckBuilderExtensions.DefaultName];
    }

    /// <summary>Starts a node; <paramref name="redis"/> null means the in-memory backend.</summary>
    public static async Task<LiveNode> StartAsync(string name, string application, Action<RedisLiveStateOptions>? redis, Action<LiveStateOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var logs = new ListLoggerProvider();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = application, EnvironmentName = "Production" });
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        var live = builder.Services.AddLiveState(options =>
        {
            options.DeliveryTimeout = TimeSpan.FromSeconds(2);
            configure?.Invoke(options);
        });
        if (redis is not null)
        {
            live.AddRedis(options =>
            {
                // Quick presence for tests; the defaults are 2 s and 6 s.
                options.PresenceHeartbeatInterval = TimeSpan.FromMilliseconds(200);
                options.PresenceTimeout = TimeSpan.FromSeconds(3);
                redis(options);
            });
            builder.Services.AddHealthChecks().AddLiveStateRedis(timeout: HealthTimeout);
        }

        services?.Invoke(builder.Services);

        var host = builder.Build();
        await host.StartAsync();
        return new LiveNode(name, host, logs);
    }

    public FakeCircuit Open(LiveIdentity identity, Action<FakeCircuit>? onRender = null, string? id = null) =>
        new(this, id ?? $"{Name}-c{Interlocked.Increment(ref s_circuits)}", identity, onRender);

    /// <summary>Stops as a host stops: this node tells the others it is leaving.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
        }
    }

    /// <summary>Dies without a word: services are torn down, nothing is said to the others.</summary>
    public async Task CrashAsync()
    {
        _stopped = true;
        await ((IAsyncDisposable)_host).DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await ((IAsyncDisposable)_host).DisposeAsync();
    }

    public override string ToString() => Name;
}
