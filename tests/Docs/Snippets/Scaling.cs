using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LiveState.Blazor.Docs.Snippets;

public static class ScalingSetup
{
    public static void WithConnectionString(WebApplicationBuilder builder)
    {
        // snippet-begin: add-redis
        builder.Services.AddLiveState()
            .AddRedis("redis.internal:6379,password=...,ssl=true");

        // or, with options:
        builder.Services.AddLiveState()
            .AddRedis(options =>
            {
                options.Configuration = builder.Configuration["LiveState:Redis"];
                options.ApplicationName = "shop";          // default: the host's application name
            });
        // snippet-end: add-redis
    }

    public static void ByConfiguration(WebApplicationBuilder builder)
    {
        // snippet-begin: by-configuration
        var live = builder.Services.AddLiveState();
        if (builder.Configuration["LiveState:Redis"] is { Length: > 0 } redis)
        {
            live.AddRedis(redis);     // dotnet run -- --LiveState:Redis=127.0.0.1:6379
        }
        // snippet-end: by-configuration
    }

    public static void FromConfigurationSection(WebApplicationBuilder builder)
    {
        // snippet-begin: from-configuration
        var redis = builder.Configuration.GetSection("LiveState:Redis");
        if (redis.Exists())   // no section: state stays in memory
        {
            builder.Services.AddLiveState()
                .AddRedis(redis, options => options.PresenceTimeout = TimeSpan.FromSeconds(10));   // code runs after the section
        }
        // snippet-end: from-configuration
    }

    public static void WithRegisteredMultiplexer(WebApplicationBuilder builder)
    {
        // snippet-begin: registered-multiplexer
        // With .NET Aspire: builder.AddRedisClient("redis", configureOptions: o => { ... }) registers the multiplexer.
        // Without it, any IConnectionMultiplexer singleton does; these are the settings LiveState gives its own connection.
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(new ConfigurationOptions
        {
            EndPoints = { "redis.internal:6379" },
            AbortOnConnectFail = false,
            BacklogPolicy = BacklogPolicy.FailFast,
            IncludeDetailInExceptions = false,
        }));

        builder.Services.AddLiveState()
            .AddRedis();   // no connection option: uses the registered multiplexer, and never disposes it
        // snippet-end: registered-multiplexer
    }
}
