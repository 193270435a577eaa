using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Dashboard;

/// <summary>
/// The live developer dashboard of the TodoApp (/_livestate, policy "LiveStateAdmins": the demo admin only): an update
/// made in another browser appears on an open dashboard without a reload; anyone else is refused.
/// </summary>
public sealed class DashboardTests(E2EFixture fixture) : BrowserTest(fixture)
{
    private const string Path = "_livestate";

    [Fact]
    public Task AnUpdateInAnotherBrowserAppearsOnTheOpenDashboardLive() => RunAsync(async session =>
    {
        var dashboard = await OpenDashboardAsync(session);

        // Bob opens the app on another device: his group appears on the dashboard (circuits here: 1) without a reload.
        var bob = await session.SignedInAsync("bob");
        var bobRow = dashboard.Locator("#groups tbody tr[data-group='user:bob']");
        await Expect(bobRow.First).ToBeVisibleAsync();

        // The version of his todo slot before (none yet, or the version earlier tests left), then one update later.
        var todos = bobRow.Filter(new LocatorFilterOptions { HasText = "todos" });
        var before = await todos.CountAsync() == 0 ? 0 : long.Parse(await todos.Locator("td.n").Nth(-2).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await bob.AddAsync(Unique("Seen on the dashboard"));

        await Expect(todos.Locator("td.n").Nth(-2)).ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var delivery = dashboard.Locator("#deliveries tbody tr").Filter(new LocatorFilterOptions { HasText = "SlotChanged" }).Filter(new LocatorFilterOptions { HasText = "user:bob" });
        await Expect(delivery.First).ToContainTextAsync("todos");

        // The dashboard never reloaded: it is the same interactive page.
        await Expect(dashboard.Locator("#livestate-dashboard[data-interactive=true]")).ToHaveCountAsync(1);
        Assert.Equal(1, await dashboard.EvaluateAsync<int>("() => window.__dashboardLoads"));

        await SaveScreenshotAsync(dashboard);
    });

    [Fact]
    public Task ASignedInUserWithoutThePolicyGets403AndNoDashboard() => RunAsync(async session =>
    {
        var alice = await session.NewBrowserAsync("alice");
        await alice.AddCookiesAsync([await Fixture.GetSignInCookieAsync("alice")]);
        var page = await alice.NewPageAsync();

        var response = await page.GotoAsync(Path);

        Assert.NotNull(response);
        Assert.Equal(403, response.Status);
        Assert.EndsWith("/access-denied?ReturnUrl=%2F_livestate", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#livestate-dashboard")).ToHaveCountAsync(0);
        Assert.DoesNotContain("user:", await page.ContentAsync(), StringComparison.Ordinal);
    });

    [Fact]
    public Task AnAnonymousVisitorIsSentToSignInAndSeesNoDashboard() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("anonymous");
        var page = await browser.NewPageAsync();

        var direct = await browser.APIRequest.GetAsync(Path, new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.Equal(302, direct.Status);
        Assert.Contains("/login", direct.Headers["location"], StringComparison.Ordinal);

        await page.GotoAsync(Path);
        await Expect(page.Locator("#livestate-dashboard")).ToHaveCountAsync(0);
    });

    private async Task<IPage> OpenDashboardAsync(BrowserSession session)
    {
        var admin = await session.NewBrowserAsync("admin");
        await admin.AddCookiesAsync([await Fixture.GetSignInCookieAsync("admin")]);
        var page = await admin.NewPageAsync();
        await page.SetViewportSizeAsync(1280, 900);
        await page.AddInitScriptAsync("window.__dashboardLoads = (Number(sessionStorage.getItem('loads') || 0) + 1); sessionStorage.setItem('loads', window.__dashboardLoads);");
        var response = await page.GotoAsync(Path);
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await page.Locator("#livestate-dashboard[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    private static async Task SaveScreenshotAsync(IPage dashboard)
    {
        var png = await dashboard.ScreenshotAsync(new PageScreenshotOptions { FullPage = false });
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        var output = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(ArtifactsRoot)!, "screenshots", "dashboard.png");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(output)!);
        await File.WriteAllBytesAsync(output, png);
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1" && Repository.TryFindRoot() is { } root)
        {
            await File.WriteAllBytesAsync(System.IO.Path.Combine(root, "docs", "images", "dashboard.png"), png);
        }
    }
}
