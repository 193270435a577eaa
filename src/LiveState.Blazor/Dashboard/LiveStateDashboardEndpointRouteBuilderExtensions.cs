using LiveState.Blazor.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the live developer dashboard.</summary>
public static class LiveStateDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the live developer dashboard at <paramref name="pattern"/>: an interactive page of this server's groups (ids
    /// redacted as in logs), their slots (type, version, size, last change), circuits here and in the cluster, the last
    /// deliveries (kind, target, circuits reached, duration) and the app's health checks, updating live. Requires
    /// <c>AddLiveState().AddDashboard()</c>, interactive server rendering (<c>AddInteractiveServerComponents()</c> and
    /// <c>MapRazorComponents&lt;App&gt;().AddInteractiveServerRenderMode()</c>), and an authorization policy outside
    /// Development: the page shows which groups exist and what they hold.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">The route of the page, e.g. <c>"/_livestate"</c>.</param>
    /// <param name="authorizationPolicy">
    /// The policy a user must satisfy (checked on the request and again in the dashboard's circuit); a signed-in user who
    /// does not gets 403. May be null only in the Development environment.
    /// </param>
    /// <returns>The endpoint's convention builder, for further conventions.</returns>
    /// <exception cref="InvalidOperationException">
    /// <c>AddDashboard()</c> was not called, or no policy was given outside Development.
    /// </exception>
    public static IEndpointConventionBuilder MapLiveStateDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/_livestate", string? authorizationPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (authorizationPolicy is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(authorizationPolicy);
        }

        if (endpoints.ServiceProvider.GetService<DashboardFeed>() is null)
        {
            throw new InvalidOperationException("MapLiveStateDashboard needs the dashboard's services: call builder.Services.AddLiveState().AddDashboard() first.");
        }

        var environment = endpoints.ServiceProvider.GetService<IHostEnvironment>();
        if (authorizationPolicy is null && environment?.IsDevelopment() != true)
        {
            throw new InvalidOperationException(
                $"The LiveState dashboard shows every group of this server and what it holds: outside Development it needs an authorization policy, " +
                $"e.g. app.MapLiveStateDashboard(\"{pattern}\", authorizationPolicy: \"LiveStateAdmins\") with builder.Services.AddAuthorization(o => o.AddPolicy(\"LiveStateAdmins\", p => p.RequireRole(\"admin\"))). " +
                $"The environment is '{environment?.EnvironmentName ?? "unknown"}'.");
        }

        var builder = endpoints.MapGet(pattern, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return new RazorComponentResult<DashboardDocument>(new Dictionary<string, object?> { [nameof(DashboardDocument.Policy)] = authorizationPolicy });
        });
        builder.ExcludeFromDescription();
        builder.WithDisplayName("LiveState dashboard");
        if (authorizationPolicy is not null)
        {
            builder.RequireAuthorization(authorizationPolicy);
        }

        return builder;
    }
}
