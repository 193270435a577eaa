using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Sharing;

public sealed class BrowserIsolationTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task TwoBrowsersNeverSeeEachOthersItems() => RunAsync(async session =>
    {
        var firefox = await session.OpenAsync(await session.NewBrowserAsync("first-browser"));
        var edge = await session.OpenAsync(await session.NewBrowserAsync("second-browser"));

        await firefox.AddAsync("Only in the first browser");
        await edge.AddAsync("Only in the second browser");

        await firefox.ExpectItemsAsync("Only in the first browser");
        await edge.ExpectItemsAsync("Only in the second browser");

        // Not just missed broadcasts: the state itself is separate.
        await firefox.ReloadAsync();
        await edge.ReloadAsync();
        await firefox.ExpectItemsAsync("Only in the first browser");
        await edge.ExpectItemsAsync("Only in the second browser");
    });

    [Fact]
    public Task AReloadKeepsTheState() => RunAsync(async session =>
    {
        var tab = await session.OpenAsync(await session.NewBrowserAsync("browser"));
        await tab.AddAsync("Water the plants");
        await tab.AddAsync("Call grandma");
        await tab.ToggleAsync("Water the plants");
        await tab.ExpectDoneAsync("Water the plants", done: true);

        await tab.ReloadAsync();

        await tab.ExpectItemsAsync("Water the plants", "Call grandma");
        await tab.ExpectDoneAsync("Water the plants", done: true);
        await tab.ExpectDoneAsync("Call grandma", done: false);
    });

    [Fact]
    public Task ATamperedCookieStartsAFreshEmptyListWithoutAnError() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var tab = await session.OpenAsync(browser);
        await tab.AddAsync("Before tampering");

        var cookies = await browser.CookiesAsync([session.BaseAddress.ToString()]);
        Assert.Contains(cookies, c => c.Name == ".LiveState.Browser" && c.HttpOnly);

        await browser.AddCookiesAsync(
        [
            new Cookie { Name = ".LiveState.Browser", Value = "CfDJ8tampered-" + new string('x', 120), Url = session.BaseAddress.ToString() },
        ]);
        var response = await tab.ReloadAsync();

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await tab.ExpectItemsAsync();
        await tab.ExpectNoErrorAsync();

        // The fresh group works like any other.
        await tab.AddAsync("After tampering");
        await tab.ExpectItemsAsync("After tampering");
        await tab.ExpectNoErrorAsync();
    });
}
