using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.ScaleOut;

/// <summary>
/// The TodoApp scaled out: two servers on one Redis (<c>LiveState:Redis</c>), a browser with a tab on each. Both
/// servers are on 127.0.0.1, where cookies belong to the host and not the port, as two servers behind one host name.
/// </summary>
public sealed class TwoServerTests(ScaleOutFixture fixture) : ScaleOutTest(fixture)
{
    private const string BrowserCookie = ".LiveState.Browser";

    [Fact]
    public Task TabsOfOneBrowserOnTwoServersShareTheListLiveBothWays() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var one = await session.OpenAsync(browser, Fixture.Server1.BaseAddress.ToString());
        var issued = await BrowserCookieAsync(browser);

        // Server 2 unseals server 1's cookie (the Data Protection key ring is in Redis): it keeps it instead of
        // issuing a fresh one, so the tab is in the same group.
        var two = await session.OpenAsync(browser, Fixture.Server2.BaseAddress.ToString());
        Assert.Equal(issued, await BrowserCookieAsync(browser));

        var first = Unique("Added on server 1");
        var second = Unique("Added on server 2");
        await one.AddAsync(first);
        await Expect(two.Item(first)).ToBeVisibleAsync();
        await two.AddAsync(second);
        await Expect(one.Item(second)).ToBeVisibleAsync();

        await two.ToggleAsync(first);
        await one.ExpectDoneAsync(first, done: true);
        await one.DeleteAsync(second);
        await two.ExpectNoItemAsync(second);

        // Presence counts the cluster: both tabs, one on each server.
        await one.ExpectPresenceAsync(2);
        await two.ExpectPresenceAsync(2);

        // Another browser, on either server, sees none of it.
        var other = await session.OpenAsync(await session.NewBrowserAsync("other"), Fixture.Server2.BaseAddress.ToString());
        Assert.NotEqual(issued, await BrowserCookieAsync(other.Page.Context));
        await other.ExpectNoItemAsync(first);
        await one.ExpectNoErrorAsync();
        await two.ExpectNoErrorAsync();
    });

    [Fact]
    public Task AnAnnouncementSentOnServer1ReachesItsRecipientOnServer2() => RunAsync(async session =>
    {
        var (admin, alice, bob) = await Tabs.AllAsync(
            session.SignedInAsync("admin", "admin"),
            SignedInOnServer2Async(session, "alice"),
            SignedInOnServer2Async(session, "bob"));
        var text = Unique("Server 2 hears server 1");

        var form = admin.Page.GetByTestId("announce-form");
        await form.GetByTestId("announce-text").FillAsync(text);
        await form.GetByTestId("audience-users").CheckAsync();
        await form.GetByTestId("recipient-alice").CheckAsync();
        await form.GetByTestId("announce-send").ClickAsync();
        await Expect(admin.Page.GetByTestId("announce-status")).ToContainTextAsync("reached");

        await alice.ExpectAnnouncementAsync(text);

        // Fenced: an announcement to everyone, sent after from the same server, reaches bob first.
        var fence = Unique("Fence");
        await form.GetByTestId("announce-text").FillAsync(fence);
        await form.GetByTestId("audience-everyone").CheckAsync();
        await form.GetByTestId("announce-send").ClickAsync();
        await bob.ExpectAnnouncementAsync(fence);
        await bob.ExpectNoAnnouncementAsync(text);
        await bob.ReloadAsync();
        await bob.ExpectNoAnnouncementAsync(text);
        await alice.ReloadAsync();
        await alice.ExpectAnnouncementAsync(text);
    });

    [Fact]
    public Task RestartingServer1KeepsTheStateInRedis() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var one = await session.OpenAsync(browser, Fixture.Server1.BaseAddress.ToString());
        var two = await session.OpenAsync(browser, Fixture.Server2.BaseAddress.ToString());
        var before = Unique("Added before the restart");
        await one.AddAsync(before);
        await Expect(two.Item(before)).ToBeVisibleAsync();

        // The tab on server 1 goes away with it; a new server 1 on the same port and the same Redis takes over.
        await one.Page.CloseAsync();
        await Fixture.RestartServer1Async();

        var reloaded = await session.OpenAsync(browser, Fixture.Server1.BaseAddress.ToString());
        await reloaded.ExpectItemsAsync(before);

        // And the new server 1 is part of the cluster again, live both ways.
        var after = Unique("Added after the restart");
        await reloaded.AddAsync(after);
        await Expect(two.Item(after)).ToBeVisibleAsync();
        await two.ToggleAsync(before);
        await reloaded.ExpectDoneAsync(before, done: true);
    });

    private async Task<TodoPage> SignedInOnServer2Async(BrowserSession session, string user)
    {
        var browser = await session.NewBrowserAsync(user);
        await browser.AddCookiesAsync([await Fixture.GetSignInCookieAsync(user)]);
        var tab = await session.OpenAsync(browser, Fixture.Server2.BaseAddress.ToString());
        await Expect(tab.Identity).ToHaveAttributeAsync("data-user", user);
        return tab;
    }

    private static async Task<string> BrowserCookieAsync(IBrowserContext browser) =>
        (await browser.CookiesAsync()).Single(c => c.Name == BrowserCookie).Value;
}
