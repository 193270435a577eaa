using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

/// <summary>
/// The getting-started guide's Program.cs, as a method the tests can run. Each region is also applied, line by line, to
/// the real <c>dotnet new blazor</c> templates by tests/Packaging/TemplateAppTests: lines the template already has
/// place the lines it lacks.
/// </summary>
public static class GettingStarted
{
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        // snippet-begin: services
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents();
        builder.Services.AddLiveState();
        // snippet-end: services

        var app = builder.Build();

        // snippet-begin: pipeline
        app.UseLiveState();   // after app.UseAuthentication(), if your app calls it
        app.UseAntiforgery();
        // snippet-end: pipeline

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
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
