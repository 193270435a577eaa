using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

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
}
