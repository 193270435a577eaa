using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Presence;

public sealed class PresenceTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task ThePresenceCountRisesWhenATabOpensAndFallsWhenItCloses() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var first = await session.OpenAsync(browser);
        await first.ExpectPresenceAsync(1);

        var second = await session.OpenAsync(browser);
        await second.ExpectPresenceAsync(2);
        await first.ExpectPresenceAsync(2);

        var third = await session.OpenAsync(browser);
        await first.ExpectPresenceAsync(3);

        await third.Page.CloseAsync();
        await first.ExpectPresenceAsync(2);
        await second.ExpectPresenceAsync(2);

        await second.Page.CloseAsync();
        await first.ExpectPresenceAsync(1);

        // Another browser's tabs are not counted.
        var other = await session.OpenAsync(await session.NewBrowserAsync("other-browser"));
        await other.ExpectPresenceAsync(1);
        await first.ExpectPresenceAsync(1);
    });
}
