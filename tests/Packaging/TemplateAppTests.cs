using System.Diagnostics;
using LiveState.Blazor.Packaging.Tests.Infrastructure;
using LiveState.Blazor.Tests.Shared;

namespace LiveState.Blazor.Packaging.Tests;

/// <summary>
/// A new user's first hour: an app from the installed <c>dotnet new blazor</c> template, LiveState from the package
/// feed as the guide says, docs/getting-started.md applied with its own snippets, run on Kestrel and used in Chromium.
/// Both render-mode layouts the template offers for server interactivity: per page (the default: <c>&lt;Routes /&gt;</c>
/// is static, the Counter page is interactive) and global (<c>--all-interactive</c>).
/// </summary>
[Collection("packages")]
public sealed class TemplateAppTests(PackedFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("PerPageApp", false)]
    [InlineData("GlobalApp", true)]
    public async Task TheGettingStartedGuideWorksOnTheBlazorTemplate(string name, bool allInteractive)
    {
        var root = feed.NewDirectory("templates-" + name);
        var clock = Stopwatch.StartNew();
        string[] create = ["new", "blazor", "--interactivity", "Server", "-o", name];
        await DotNet.RunAsync(root, allInteractive ? [.. create, "--all-interactive"] : create, log: output);
        var app = Path.Combine(root, name);

        // 1. The package, from the feed (the guide's source until it is published).
        await DotNet.RunAsync(app, ["add", "package", "LiveState.Blazor", "--version", feed.Version], log: output);
        GettingStartedGuide.Apply(app);
        RenderCountPage.Apply(app, allInteractive);
        await DotNet.RunAsync(app, ["build", "-c", "Release", "-warnaserror", "-nodeReuse:false", "-nologo"], log: output);
        output.WriteLine($"template, package and build: {clock.Elapsed.TotalSeconds:0.0} s");

        using var server = await AppProcess.StartAsync(app, Path.Combine(app, "bin", "Release", "net10.0", name + ".dll"), redis: null, StartTimeout, environment: "Development");
        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await Chromium.LaunchAsync(playwright);
        var consoleErrors = new List<string>();
        async Task<IPage> OpenAsync(IBrowserContext browser)
        {
            var page = await browser.NewPageAsync();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    lock (consoleErrors)
                    {
                        consoleErrors.Add(message.Text);
                    }
                }
            };
            await page.GotoAsync("counter");
            return page;
        }

        try
        {
            SetDefaultExpectTimeout(15_000);

            // Two tabs of one browser: the count of open tabs shows once each tab's circuit is live.
            var browser = await chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address + "/" });
            var first = await OpenAsync(browser);
            await Expect(first.GetByTestId("tabs")).ToHaveTextAsync("1");
            var second = await OpenAsync(browser);
            await Expect(second.GetByTestId("tabs")).ToHaveTextAsync("2");
            await Expect(first.GetByTestId("tabs")).ToHaveTextAsync("2");

            await first.GetByTestId("click").ClickAsync();
            await Expect(second.GetByTestId("clicks")).ToHaveTextAsync("1");
            await second.GetByTestId("click").ClickAsync();
            await Expect(first.GetByTestId("clicks")).ToHaveTextAsync("2");

            // Another browser: a group of its own.
            var other = await OpenAsync(await chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address + "/" }));
            await Expect(other.GetByTestId("tabs")).ToHaveTextAsync("1");
            await Expect(other.GetByTestId("clicks")).ToHaveTextAsync("0");
            await other.GetByTestId("click").ClickAsync();
            await Expect(other.GetByTestId("clicks")).ToHaveTextAsync("1");

            // Fenced: the first browser's next click arrives in its own tabs, and only then is the other one checked.
            await first.GetByTestId("click").ClickAsync();
            await Expect(second.GetByTestId("clicks")).ToHaveTextAsync("3");
            await Expect(other.GetByTestId("clicks")).ToHaveTextAsync("1");
            await Expect(first.GetByTestId("tabs")).ToHaveTextAsync("2");

            await CheckRenderCountsAsync(chromium, server.Address);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{name}: {ex.Message}\nApp output:\n{server.Output}", ex);
        }

        var errors = server.Output.Split('\n').Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{name} logged errors:\n{server.Output}");
        Assert.True(consoleErrors.Count == 0, $"{name}: errors in the browser console:\n{string.Join('\n', consoleErrors)}\nApp output:\n{server.Output}");
    }

    /// <summary>
    /// Issue 11's render counts in a real browser, on the template's own layout: an update of slot A re-renders exactly
    /// the 3 A-readers in each tab of the group (and, in the tab that clicked, the page whose handler ran); a tab
    /// opening re-renders only the presence badge; a broadcast to the group re-renders every LiveState component.
    /// </summary>
    private static async Task CheckRenderCountsAsync(IBrowser chromium, string address)
    {
        var browser = await chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = address + "/" });
        // A new browser: its group has no circuit before the first tab's is live, so the prerendered badge says 0 and
        // the badge says the tab's number only once the tab is interactive.
        async Task<IPage> OpenAsync(int tabs)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(RenderCountPage.Path);
            await Expect(page.GetByTestId("badge")).ToHaveTextAsync(tabs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return page;
        }

        var actor = await OpenAsync(1);
        var watcher = await OpenAsync(2);
        await Expect(actor.GetByTestId("badge")).ToHaveTextAsync("2");

        // An update of A, clicked in one tab.
        var before = await CountsAsync(watcher);
        var actorBefore = await CountsAsync(actor);
        await actor.GetByTestId("update-a").ClickAsync();
        await Expect(watcher.GetByTestId("a")).ToHaveTextAsync(["1", "1", "1"]);
        await Expect(actor.GetByTestId("a")).ToHaveTextAsync(["1", "1", "1"]);
        AssertRenders(before, await CountsAsync(watcher), ("a", 1));

        // The tab that clicked also re-renders the page whose handler ran (once, or twice if the handler's task had
        // not completed when Blazor first rendered after the event), and nothing else.
        var actorAfter = await CountsAsync(actor);
        var pageMore = actorAfter["page"][0] - actorBefore["page"][0];
        Assert.InRange(pageMore, 1, 2);
        AssertRenders(actorBefore, actorAfter, ("a", 1), ("page", pageMore));

        // A third tab opens: only the badges re-render.
        before = await CountsAsync(watcher);
        var third = await OpenAsync(3);
        await Expect(watcher.GetByTestId("badge")).ToHaveTextAsync("3");
        var after = await CountsAsync(watcher);
        Assert.InRange(after["badge"][0] - before["badge"][0], 1, 2);
        AssertRenders(before, after, ("badge", after["badge"][0] - before["badge"][0]));

        // A broadcast to the group: every LiveState component of every tab, nothing else. The badge's text does not
        // change, so the fence is the A-readers' count going up by one.
        before = await CountsAsync(watcher);
        await third.GetByTestId("broadcast").ClickAsync();
        await Expect(watcher.GetByTestId("a").First).ToHaveAttributeAsync("data-renders", (before["a"][0] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(watcher.GetByTestId("badge")).ToHaveAttributeAsync("data-renders", (before["badge"][0] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertRenders(before, await CountsAsync(watcher), ("a", 1), ("b", 1), ("badge", 1));

        // The layout and nav menu rendered once (statically per page; in the circuit with global interactivity) and
        // never again.
        var final = await CountsAsync(watcher);
        Assert.Equal(new[] { 1 }, final["layout"]);
        Assert.Equal(new[] { 1 }, final["nav"]);
    }

    private static async Task<Dictionary<string, int[]>> CountsAsync(IPage page)
    {
        var counts = new Dictionary<string, int[]>();
        foreach (var id in new[] { "a", "b", "badge", "plain", "page", "layout", "nav" })
        {
            var values = await page.GetByTestId(id).EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-renders') || '0')");
            counts[id] = [.. values.Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
        }

        return counts;
    }

    /// <summary>Each component of the named kinds rendered that many more times; every other component did not render.</summary>
    private static void AssertRenders(Dictionary<string, int[]> before, Dictionary<string, int[]> after, params (string Id, int More)[] expected)
    {
        foreach (var (id, counts) in before)
        {
            var more = expected.Where(e => e.Id == id).Select(e => e.More).FirstOrDefault();
            var wanted = counts.Select(c => c + more).ToArray();
            Assert.True(wanted.SequenceEqual(after[id]), $"{id}: expected renders [{string.Join(", ", wanted)}], saw [{string.Join(", ", after[id])}]");
        }
    }
}
