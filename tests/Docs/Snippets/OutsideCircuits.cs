using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiveState.Blazor.Docs.Snippets;

/// <summary>docs/state.md, "Outside a circuit": a minimal API and a background job reading and updating group state.</summary>
public static class ClickEndpoints
{
    public static void Map(WebApplication app)
    {
        // snippet-begin: browser-endpoints
        // After app.UseLiveState(): the request carries the browser id (and the user, once signed in), so the resolver
        // names the group this browser's tabs share.
        app.MapGet("/api/clicks", async (HttpContext http, ILiveIdentityResolver resolver, ISessionGroupStateService groups, CancellationToken cancellationToken) =>
        {
            var identity = await resolver.ResolveAsync(http.User, cancellationToken);
            var clicks = await groups.GetAsync<Clicks>(identity.GroupId, cancellationToken);
            return clicks.Count;
        });

        app.MapPost("/api/clicks", async (HttpContext http, ILiveIdentityResolver resolver, ISessionGroupStateService groups, CancellationToken cancellationToken) =>
        {
            // No cookie (the browser never opened a page) and no sign-in: there is no group to change.
            if (DefaultLiveIdentityResolver.FindBrowserId(http.User) is null && !http.User.Identities.Any(i => i.IsAuthenticated))
            {
                return Results.BadRequest("Open a page of the app first.");
            }

            var identity = await resolver.ResolveAsync(http.User, cancellationToken);
            var clicks = await groups.MutateAsync<Clicks>(identity.GroupId, c => c.Count++, cancellationToken);
            return Results.Ok(clicks.Count);   // and every open tab of the browser shows the new count
        });
        // snippet-end: browser-endpoints
    }
}

// snippet-begin: report-job
/// <summary>Reports a job has built, shown in every tab of the group that asked for them.</summary>
public sealed record Reports
{
    public ImmutableList<string> Ready { get; init; } = [];
}

/// <summary>A report to build, and the group to tell: resolved while the request was at hand.</summary>
public sealed record ReportRequest(string GroupId, string Name);

public sealed class ReportJob(Channel<ReportRequest> requests, ISessionGroupStateService groups) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var request in requests.Reader.ReadAllAsync(stoppingToken))
        {
            var report = $"{request.Name}.pdf";   // the slow part goes here
            await groups.ReplaceAsync<Reports>(request.GroupId, reports => reports with { Ready = reports.Ready.Add(report) }, stoppingToken);
        }
    }
}
// snippet-end: report-job

public static class ReportSetup
{
    public static void Register(WebApplicationBuilder builder)
    {
        // snippet-begin: report-register
        builder.Services.AddSingleton(Channel.CreateUnbounded<ReportRequest>());
        builder.Services.AddHostedService<ReportJob>();
        // snippet-end: report-register
    }

    public static void Map(WebApplication app)
    {
        // snippet-begin: report-endpoint
        app.MapPost("/api/reports/{name}", async (string name, HttpContext http, ILiveIdentityResolver resolver, Channel<ReportRequest> requests, CancellationToken cancellationToken) =>
        {
            if (DefaultLiveIdentityResolver.FindBrowserId(http.User) is null && !http.User.Identities.Any(i => i.IsAuthenticated))
            {
                return Results.BadRequest("Open a page of the app first.");
            }

            var identity = await resolver.ResolveAsync(http.User, cancellationToken);
            await requests.Writer.WriteAsync(new ReportRequest(identity.GroupId, name), cancellationToken);
            return Results.Accepted();
        });
        // snippet-end: report-endpoint
    }
}
