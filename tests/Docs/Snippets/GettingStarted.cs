using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

/// <summary>The getting-started guide's Program.cs, as a method the tests can run.</summary>
public static class GettingStarted
{
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        // snippet-begin: services
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddLiveState();
        // snippet-end: services

        // snippet-begin: pipeline
        var app = builder.Build();
        app.UseLiveState();          // after UseAuthentication(), if you call it
        app.UseAntiforgery();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        // snippet-end: pipeline
        return app;
    }
}

// snippet-begin: slot
/// <summary>A slot of session group state: any class with a parameterless constructor that round-trips through System.Text.Json.</summary>
public sealed class Clicks
{
    public int Count { get; set; }
}
// snippet-end: slot
