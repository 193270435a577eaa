using Microsoft.AspNetCore.Builder;
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
                .AddMeter("LiveState.Blazor")
                .AddOtlpExporter())
            .WithTracing(tracing => tracing
                .AddSource("LiveState.Blazor")
                .AddOtlpExporter());
        // snippet-end: opentelemetry
    }
}
