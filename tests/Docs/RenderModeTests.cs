using System.Net;
using LiveState.Blazor.Docs.Infrastructure;
using LiveState.Blazor.Docs.Snippets.RenderModes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LiveState.Blazor.Docs;

/// <summary>docs/getting-started.md, "Render modes": an app with per-page interactivity, as the Blazor template makes it.</summary>
public sealed class RenderModeTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task A_live_component_with_its_own_render_mode_is_an_interactive_island_in_a_static_page()
    {
        await using var app = await StartPerPageAppAsync();
        using var browser = DocsApp.Client(app);

        using var response = await browser.SendAsync(DocsApp.Page("/static-page"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Prices</h1>", body, StringComparison.Ordinal);

        // The island is prerendered and marked for the circuit to take over; the count waits for the circuit.
        Assert.Contains("<!--Blazor:{\"type\":\"server\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("tabs open", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_component_rendered_statically_shows_a_snapshot_and_the_log_says_how_to_make_it_live()
    {
        await using var app = await StartPerPageAppAsync();
        using var browser = DocsApp.Client(app);

        using var response = await browser.SendAsync(DocsApp.Page("/forgot-the-render-mode"), Ct);
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));

        // The page is served, as static HTML with nothing for a circuit to take over; the log says why it is not live.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", body, StringComparison.Ordinal);
        var warning = Assert.Single(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Message.Contains("rendered statically", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("TabsOpen is a LiveComponent rendered statically", warning.Message, StringComparison.Ordinal);
        Assert.Contains("@rendermode InteractiveServer", warning.Message, StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartPerPageAppAsync()
    {
        var builder = DocsApp.NewBuilder(environment: "Development");
        builder.Logging.AddFakeLogging();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddLiveState();
        var app = builder.Build();
        app.UseLiveState();
        app.UseAntiforgery();
        app.MapRazorComponents<PerPageApp>().AddInteractiveServerRenderMode();
        await app.StartAsync(Ct);
        return app;
    }
}
