using LiveState.Blazor;
using LiveState.Blazor.Redis;
using LiveState.Blazor.Redis.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
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
    /// <remarks>
    /// The connection is LiveState's own when <see cref="RedisLiveStateOptions.Configuration"/>,
    /// <see cref="RedisLiveStateOptions.ConfigurationOptions"/> or <see cref="RedisLiveStateOptions.ConnectionFactory"/>
    /// is set. When none is, LiveState uses the <c>IConnectionMultiplexer</c> registered in the application's services
    /// (as .NET Aspire's <c>AddRedisClient</c> registers one; see <see cref="AddRedis(ILiveStateBuilder)"/>), and the app
    /// fails to start if there is none. The options are validated when the app starts.
    /// </remarks>
    /// <param name="builder">The builder <c>AddLiveState()</c> returned.</param>
    /// <param name="configure">Sets the options.</param>
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
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (a connection string, or a configuration section); no call can be ambiguous.")]
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

    /// <summary>
    /// Scales LiveState out on the Redis connection the application already registered as an <c>IConnectionMultiplexer</c>,
    /// for example with .NET Aspire's <c>builder.AddRedisClient("redis")</c>. LiveState shares it with the app and never
    /// disposes it: the container that made it does. The app fails to start if no <c>IConnectionMultiplexer</c> is
    /// registered and no connection option is set (options may still come from <c>services.Configure</c>).
    /// See <see cref="AddRedis(ILiveStateBuilder, Action{RedisLiveStateOptions})"/>.
    /// </summary>
    /// <remarks>
    /// LiveState cannot set the configuration of a multiplexer it did not create, so what it sets on its own
    /// connection is the app's choice here: with StackExchange.Redis's defaults, commands made while Redis is
    /// unreachable wait in a backlog up to the client's timeout (5 seconds) before an update fails, instead of failing at
    /// once (<c>BacklogPolicy.FailFast</c>); reconnection backs off as the client's <c>ReconnectRetryPolicy</c> says; and
    /// exception messages may carry Redis keys, which hold group ids (and an anonymous group's id holds the browser's
    /// id), unless the app sets <c>ConfigurationOptions.IncludeDetailInExceptions</c> to false. Set those on the
    /// multiplexer's <c>ConfigurationOptions</c> when you create it (Aspire: the <c>configureOptions</c> callback of
    /// <c>AddRedisClient</c>), or give LiveState a connection of its own with
    /// <see cref="RedisLiveStateOptions.Configuration"/>.
    /// </remarks>
    /// <param name="builder">The builder <c>AddLiveState()</c> returned.</param>
    /// <returns>The builder, for chaining.</returns>
    public static ILiveStateBuilder AddRedis(this ILiveStateBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRedis(static _ => { });
    }

    /// <summary>
    /// Scales LiveState out on Redis with options bound from configuration, for example
    /// <c>AddRedis(builder.Configuration.GetSection("LiveState:Redis"))</c>. A section with a plain value
    /// (<c>--LiveState:Redis=127.0.0.1:6379</c>) is the connection string, <see cref="RedisLiveStateOptions.Configuration"/>;
    /// a section with keys sets the options of those names (<c>Configuration</c>, <c>ApplicationName</c>,
    /// <c>KeyPrefix</c>, <c>ChannelPrefix</c>, <c>PresenceHeartbeatInterval</c>, <c>PresenceTimeout</c> as
    /// <c>"00:00:02"</c>, <c>ShareDataProtectionKeys</c>). <see cref="RedisLiveStateOptions.ConfigurationOptions"/> and
    /// <see cref="RedisLiveStateOptions.ConnectionFactory"/> are objects made in code and cannot be bound. A value that
    /// does not convert, an unknown key or one of those two makes the app fail to start with a message that names the
    /// option. Without a connection string the app's registered <c>IConnectionMultiplexer</c> is used (see
    /// <see cref="AddRedis(ILiveStateBuilder)"/>). See <see cref="AddRedis(ILiveStateBuilder, Action{RedisLiveStateOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder <c>AddLiveState()</c> returned.</param>
    /// <param name="configuration">The section that holds the options (or the connection string).</param>
    /// <param name="configure">Sets further options after those of <paramref name="configuration"/>, overriding them; may be null.</param>
    /// <returns>The builder, for chaining.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (a connection string, or a configuration section); no call can be ambiguous.")]
    public static ILiveStateBuilder AddRedis(this ILiveStateBuilder builder, IConfiguration configuration, Action<RedisLiveStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddRedis(options =>
        {
            RedisOptionsBinding.Bind(configuration, options);
            configure?.Invoke(options);
        });
    }
}
