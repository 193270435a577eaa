using LiveState.Blazor;
using LiveState.Blazor.Redis;
using LiveState.Blazor.Redis.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scales LiveState out on Redis.</summary>
public static class RedisLiveStateBuilderExtensions
{
    /// <summary>
    /// Keeps session group state in Redis and carries broadcasts, slot changes and presence between the app's servers
    /// through Redis pub/sub, each to the servers that host its targets only, so every server sees the same state, every
    /// broadcast reaches the matching circuits on every server, and presence counts the cluster (see
    /// docs/scaling.md, "Presence", for what each question covers). Also shares Data Protection keys through Redis (see
    /// <see cref="RedisLiveStateOptions.ShareDataProtectionKeys"/>). Blazor Server still needs sticky sessions.
    /// To report the connection to a load balancer or orchestrator, add
    /// <c>AddHealthChecks().</c><see cref="RedisLiveStateHealthCheckBuilderExtensions.AddLiveStateRedis"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddLiveState()</c> returned.</param>
    /// <param name="configure">Sets the options; one of the connection options is required.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILiveStateBuilder AddRedis(this ILiveStateBuilder builder, Action<RedisLiveStateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisLiveStateOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<RedisLiveStateOptions>, RedisLiveStateOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisLiveStateOptions>, RedisLiveStateOptionsValidator>());

        services.TryAddSingleton<ServerIdentity>();
        services.TryAddSingleton<BackendLoops>();
        services.TryAddSingleton<RedisNames>();
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisMetrics>();
        services.TryAddSingleton<HostAccess>();
        services.TryAddSingleton<PubSubMode>();

        services.TryAddSingleton<RedisSlots>();
        services.TryAddSingleton<RedisSessionGroupStore>();
        services.Replace(ServiceDescriptor.Singleton<ISessionGroupStore>(sp => sp.GetRequiredService<RedisSessionGroupStore>()));

        services.TryAddSingleton<Subscriptions>();
        services.TryAddSingleton<StoredGroups>();
        services.TryAddSingleton<GroupVanishing>();
        services.TryAddSingleton<GroupKeepAlive>();
        services.TryAddSingleton<HostedPresence>();
        services.TryAddSingleton<ClusterPresence>();
        services.TryAddSingleton<PresenceWriter>();
        services.TryAddSingleton<PresenceReaper>();
        services.TryAddSingleton<MessagePublisher>();
        services.TryAddSingleton<MessageHandler>();

        // The backend on the core's public seam: the core renders this server's circuits and hands the backend what the
        // other servers need (and what presence asks); ILiveBroadcaster and ILiveCircuitRegistry come from the core.
        builder.AddBackend<RedisLiveStateBackend>();

        services.AddDataProtection();
        services.TryAddSingleton<RedisDataProtectionSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>, RedisDataProtectionSetup>(sp => sp.GetRequiredService<RedisDataProtectionSetup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DataProtectionOptions>, RedisDataProtectionSetup>(sp => sp.GetRequiredService<RedisDataProtectionSetup>()));
        return builder;
    }

    /// <summary>
    /// Scales LiveState out on the Redis at <paramref name="configuration"/> (for example <c>127.0.0.1:6379</c>).
    /// See <see cref="AddRedis(ILiveStateBuilder, Action{RedisLiveStateOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddLiveState()</c> returned.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string.</param>
    /// <param name="configure">Sets further options; may be null.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILiveStateBuilder AddRedis(this ILiveStateBuilder builder, string configuration, Action<RedisLiveStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.AddRedis(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }
}
