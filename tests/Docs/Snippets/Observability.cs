using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LiveState.Blazor.Docs.Snippets;

public static class ObservabilitySetup
{
    public static void AddOpenTelemetry(WebApplicationBuilder builder)
    {
        // snippet-begin: opentelemetry
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddMeter("Microsoft.AspNetCore.Components.Server.Circuits")   // Blazor's circuits
                .AddMeter("LiveState.Blazor", "LiveState.Blazor.Redis")
                .AddOtlpExporter())
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore.Components.Server.Circuits")  // Blazor's circuit spans
                .AddSource("LiveState.Blazor")
                .AddOtlpExporter());
        // snippet-end: opentelemetry
    }

    public static WebApplication AddHealthCheck(WebApplicationBuilder builder)
    {
        builder.Services.AddLiveState().AddRedis(builder.Configuration["LiveState:Redis"] ?? "127.0.0.1:6379");

        // snippet-begin: health-check
        builder.Services.AddHealthChecks().AddLiveStateRedis(tags: ["ready"]);
        // snippet-end: health-check

        var app = builder.Build();
        // snippet-begin: map-health
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        // snippet-end: map-health
        return app;
    }
}
