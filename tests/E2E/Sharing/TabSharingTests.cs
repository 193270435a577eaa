using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Sharing;

public sealed class TabSharingTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task TwoTabsOfOneBrowserShareTheListBothWaysLive() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var first = await session.OpenAsync(browser);
        var second = await session.OpenAsync(browser);
        await first.ExpectItemsAsync();
        await second.ExpectItemsAsync();

        await first.AddAsync("Buy milk");
        await second.ExpectItemsAsync("Buy milk");

        await second.AddAsync("Walk the dog");
        await first.ExpectItemsAsync("Buy milk", "Walk the dog");

        await second.ToggleAsync("Buy milk");
        await first.ExpectDoneAsync("Buy milk", done: true);

        await first.DeleteAsync("Walk the dog");
        await second.ExpectItemsAsync("Buy milk");

        await second.ClearCompletedAsync();
        await first.ExpectItemsAsync();
        await second.ExpectItemsAsync();
    });
}
