using LiveState.Blazor;
using LiveState.Blazor.Backends;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Components;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Sessions;
using Microsoft.AspNetCore.Authentication.Cookies;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LiveState.Blazor.</summary>
public static class LiveStateServiceCollectionExtensions
{
    /// <summary>
    /// Adds LiveState: session group state (cascaded to every component as <see cref="SessionGroupState"/>, and typed as
    /// <see cref="ILiveState{T}"/> and <see cref="ILivePresence"/>), the circuit registry, the broadcaster and the in-memory
    /// store. Options are validated when the host starts. Call <c>app.UseLiveState()</c> after authentication.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets options; may be null.</param>
    /// <returns>A builder for further LiveState configuration (for example <c>.AddRedis(...)</c>).</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (none, or a configuration section), as ASP.NET Core's own Add* overloads do; no call can be ambiguous.")]
    public static ILiveStateBuilder AddLiveState(this IServiceCollection services, Action<LiveStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LiveStateOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiveStateOptions>, LiveStateOptionsValidator>());

        services.AddDataProtection();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BrowserIdCookie>();

        services.AddMetrics();
        services.TryAddSingleton<LiveStateMetrics>();
        services.TryAddSingleton<CircuitRegistry>();
        services.TryAddSingleton<DispatcherIndex>();
        services.TryAddSingleton<SlowRenderWatchdog>();
        services.TryAddSingleton<Broadcaster>();
        services.TryAddSingleton<LocalChangeNotifier>();

        // With a scale-out backend (AddBackend), broadcasts, slot changes and presence reach the other servers too;
        // this server's circuits are always rendered here, never through the backend.
        services.TryAddSingleton<ILiveCircuitRegistry>(static sp =>
            sp.GetService<LiveStateBackend>()?.Presence ?? sp.GetRequiredService<CircuitRegistry>());
        services.TryAddSingleton<ILiveBroadcaster>(static sp =>
        {
            ILiveBroadcaster broadcaster = sp.GetService<LiveStateBackend>() is { } backend
                ? new ClusterBroadcaster(sp.GetRequiredService<Broadcaster>(), sp.GetRequiredService<CircuitRegistry>(), backend)
                : sp.GetRequiredService<Broadcaster>();
            var observers = sp.GetServices<ILiveStateObserver>().ToArray();
            return observers.Length == 0
                ? broadcaster
                : new ObservedBroadcaster(broadcaster, observers, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ObservedBroadcaster>>());
        });
        services.TryAddSingleton<IChangeNotifier>(static sp => sp.GetService<LiveStateBackend>() is { } backend
            ? new ClusterChangeNotifier(sp.GetRequiredService<LocalChangeNotifier>(), backend, sp.GetRequiredService<IOptionsMonitor<LiveStateOptions>>())
            : sp.GetRequiredService<LocalChangeNotifier>());
        services.TryAddSingleton<TopicTracker>();
        services.TryAddSingleton<LiveStateHost>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LiveStateBackendService>());
        services.TryAddSingleton<ISessionGroupStore, InMemorySessionGroupStore>();
        services.TryAddSingleton<SlotCache>();
        services.TryAddSingleton<SessionGroupStateService>();
        services.TryAddSingleton<ISessionGroupStateService>(sp => sp.GetRequiredService<SessionGroupStateService>());
        services.TryAddSingleton<ILiveIdentityResolver, DefaultLiveIdentityResolver>();

        if (!services.Any(static d => d.ServiceType == typeof(LiveCircuitContext)))
        {
            // The circuit's SessionGroupState, cascaded from DI (as AddCascadingAuthenticationState does): it reaches
            // every component under any render-mode layout, prerendering included, with no wrapper component.
            services.AddCascadingValue<SessionGroupState>(sp => sp.GetRequiredService<LiveCircuitContext>().Cascade);
        }

        services.TryAddScoped<LiveCircuitContext>();
        services.TryAddScoped(typeof(ILiveState<>), typeof(LiveStateHandle<>));
        services.TryAddScoped<ILivePresence, LivePresenceHandle>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, LiveCircuitHandler>());
        services.TryAddScoped<AuthenticationStateProvider, ServerAuthenticationStateProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IdleGroupCleaner>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, SignOutOtherTabsSetup>());

        return new LiveStateBuilder(services);
    }

    /// <summary>
    /// Adds LiveState as <see cref="AddLiveState(IServiceCollection, Action{LiveStateOptions}?)"/> does, with its options
    /// bound from <paramref name="configuration"/>, typically <c>builder.Configuration.GetSection("LiveState")</c>:
    /// the keys are the names of <see cref="LiveStateOptions"/>' properties (<c>"IdleGroupTimeout": "12:00:00"</c>,
    /// <c>"AllowedHubOrigins": [ "self" ]</c>), all but <see cref="LiveStateOptions.JsonSerializerOptions"/>, which
    /// only code can set. <paramref name="configure"/> runs after the binding, so code wins. The options are read and
    /// validated when the host starts; a value that does not parse or fails validation stops the start with the
    /// option's name, and a change to the configuration applies on restart.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The section to bind, for example <c>builder.Configuration.GetSection("LiveState")</c>.</param>
    /// <param name="configure">Sets options after the binding; may be null.</param>
    /// <returns>A builder for further LiveState configuration (for example <c>.AddRedis(...)</c>).</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in a required parameter (none, or a configuration section), as ASP.NET Core's own Add* overloads do; no call can be ambiguous.")]
    public static ILiveStateBuilder AddLiveState(this IServiceCollection services, IConfiguration configuration, Action<LiveStateOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Registered before AddLiveState adds `configure`, so that code set there is applied after the binding.
        services.AddSingleton<IConfigureOptions<LiveStateOptions>>(new LiveStateOptionsConfiguration(configuration));
        return services.AddLiveState(configure);
    }

    /// <summary>Replaces the identity resolver, for example to group the circuits of one team together.</summary>
    /// <typeparam name="TResolver">The resolver type, registered as a singleton.</typeparam>
    /// <param name="builder">The LiveState builder.</param>
    public static ILiveStateBuilder AddIdentityResolver<TResolver>(this ILiveStateBuilder builder)
        where TResolver : class, ILiveIdentityResolver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ILiveIdentityResolver, TResolver>());
        return builder;
    }

    /// <summary>Adds a handler that is told when circuits connect, disconnect, move or close.</summary>
    /// <typeparam name="THandler">The handler type, resolved from each circuit's scope.</typeparam>
    /// <param name="builder">The LiveState builder.</param>
    public static ILiveStateBuilder AddLifecycleHandler<THandler>(this ILiveStateBuilder builder)
        where THandler : class, ILiveCircuitLifecycleHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<ILiveCircuitLifecycleHandler, THandler>());
        return builder;
    }

    /// <summary>Adds a handler that carries anonymous state (a cart, a draft) into the user's group at sign-in.</summary>
    /// <typeparam name="THandler">The handler type, resolved from each circuit's scope.</typeparam>
    /// <param name="builder">The LiveState builder.</param>
    public static ILiveStateBuilder AddSignInHandler<THandler>(this ILiveStateBuilder builder)
        where THandler : class, ILiveSignInHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<ILiveSignInHandler, THandler>());
        return builder;
    }

    /// <summary>
    /// Scales LiveState out with <typeparamref name="TBackend"/>: broadcasts, slot changes and presence reach the app's
    /// other servers through it (see <see cref="LiveStateBackend"/> and docs/scaling.md, "Writing a backend"). One backend
    /// per app; the state itself lives in the <see cref="ISessionGroupStore"/> the backend's package registers.
    /// </summary>
    /// <typeparam name="TBackend">The backend, registered as a singleton.</typeparam>
    /// <param name="builder">The LiveState builder.</param>
    public static ILiveStateBuilder AddBackend<TBackend>(this ILiveStateBuilder builder)
        where TBackend : LiveStateBackend
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TBackend>();
        builder.Services.Replace(ServiceDescriptor.Singleton<LiveStateBackend>(static sp => sp.GetRequiredService<TBackend>()));
        return builder;
    }

    /// <summary>Replaces the store that holds session group state.</summary>
    /// <typeparam name="TStore">The store type, registered as a singleton.</typeparam>
    /// <param name="builder">The LiveState builder.</param>
    public static ILiveStateBuilder AddStore<TStore>(this ILiveStateBuilder builder)
        where TStore : class, ISessionGroupStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ISessionGroupStore, TStore>());
        return builder;
    }
}
