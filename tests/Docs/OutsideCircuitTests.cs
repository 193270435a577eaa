using System.Net;
using LiveState.Blazor.Docs.Infrastructure;
using LiveState.Blazor.Docs.Snippets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs;

/// <summary>docs/state.md: group state read and changed from a minimal API and a background job, prerendered pages, stores.</summary>
public sealed class OutsideCircuitTests : IDisposable
{
    // Every await here has a deadline: a hung server fails the test instead of hanging the run.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task An_endpoint_reads_and_updates_the_requesting_browsers_group_and_the_next_prerender_shows_it()
    {
        await using var app = GettingStarted.Build(DocsApp.NewBuilder());
        ClickEndpoints.Map(app);
        await app.StartAsync(Ct);
        var groups = app.Services.GetRequiredService<ISessionGroupStateService>();
        using var browser = DocsApp.Client(app);

        // The first page load issues the cookie; a prerender of a group without state leaves nothing behind.
        using (var first = await browser.SendAsync(DocsApp.Page("/"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Empty(await Groups(groups));

        Assert.Equal("1", await PostAsync(browser, "/api/clicks"));
        Assert.Equal("2", await PostAsync(browser, "/api/clicks"));
        Assert.Equal("2", await browser.GetStringAsync(new Uri("/api/clicks", UriKind.Relative), Ct));
        var group = Assert.Single(await Groups(groups));
        Assert.StartsWith(LiveIdentity.BrowserGroupPrefix, group, StringComparison.Ordinal);
        Assert.Equal(2, groups.Get<Clicks>(group).Count);

        // The prerendered page shows the browser's state: the circuit takes over from there.
        using var page = await browser.SendAsync(DocsApp.Page("/"), Ct);
        Assert.Contains("<span data-testid=\"clicks\">2</span>", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Another browser has a group of its own; a request without a cookie changes nothing.
        using var other = DocsApp.Client(app);
        using (var otherPage = await other.SendAsync(DocsApp.Page("/"), Ct))
        {
            Assert.Contains("<span data-testid=\"clicks\">0</span>", await otherPage.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using var script = DocsApp.Client(app);
        using var refused = await script.PostAsync(new Uri("/api/clicks", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal([group], await Groups(groups));
    }

    [Fact]
    public async Task A_job_tells_the_group_that_asked_once_its_report_is_ready()
    {
        var builder = DocsApp.NewBuilder();
        ReportSetup.Register(builder);
        await using var app = GettingStarted.Build(builder);
        ReportSetup.Map(app);
        await app.StartAsync(Ct);
        var groups = app.Services.GetRequiredService<ISessionGroupStateService>();
        using var browser = DocsApp.Client(app);
        using (await browser.SendAsync(DocsApp.Page("/"), Ct))
        {
        }

        using var accepted = await browser.PostAsync(new Uri("/api/reports/march", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        string? group = null;
        await Wait.UntilAsync(
            async () => (group = (await Groups(groups)).SingleOrDefault()) is not null && groups.Get<Reports>(group).Ready.Count == 1,
            "the job has stored the report in the browser's group");
        Assert.Equal(["march.pdf"], groups.Get<Reports>(group!).Ready);
        Assert.StartsWith(LiveIdentity.BrowserGroupPrefix, group, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_store_keeps_every_update_across_a_restart()
    {
        var root = Directory.CreateTempSubdirectory("livestate-docs-").FullName;
        try
        {
            await using (var first = StartWithFileStore(root))
            {
                var groups = first.Services.GetRequiredService<ISessionGroupStateService>();
                await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => groups.MutateAsync<Clicks>("browser:restart", c => c.Count++, Ct), Ct)));
                await groups.ReplaceAsync<Reports>("user:alice", r => r with { Ready = r.Ready.Add("q1.pdf") }, Ct);
                Assert.Equal(40, groups.Get<Clicks>("browser:restart").Count);
            }

            await using var second = StartWithFileStore(root);
            var restarted = second.Services.GetRequiredService<ISessionGroupStateService>();
            Assert.Equal(40, restarted.Get<Clicks>("browser:restart").Count);
            Assert.Equal(["q1.pdf"], restarted.Get<Reports>("user:alice").Ready);
            Assert.Equal(["browser:restart", "user:alice"], (await Groups(restarted)).Order(StringComparer.Ordinal));

            Assert.True(await restarted.DeleteAsync("user:alice", Ct));
            Assert.Empty(restarted.Get<Reports>("user:alice").Ready);
            Assert.Equal(["browser:restart"], await Groups(restarted));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static WebApplication StartWithFileStore(string contentRoot)
    {
        var builder = DocsApp.NewBuilder(contentRoot: contentRoot);
        FileStoreSetup.Register(builder);
        return builder.Build();
    }

    private async Task<string> PostAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private async Task<List<string>> Groups(ISessionGroupStateService groups)
    {
        var list = new List<string>();
        await foreach (var group in groups.ListGroupsAsync(Ct))
        {
            list.Add(group);
        }

        return list;
    }
}
