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
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{name}: {ex.Message}\nApp output:\n{server.Output}", ex);
        }

        var errors = server.Output.Split('\n').Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, $"{name} logged errors:\n{server.Output}");
        Assert.True(consoleErrors.Count == 0, $"{name}: errors in the browser console:\n{string.Join('\n', consoleErrors)}\nApp output:\n{server.Output}");
    }
}
