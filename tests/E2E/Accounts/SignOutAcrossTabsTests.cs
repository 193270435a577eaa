using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Accounts;

/// <summary>With <c>SignOutOtherTabs</c> on (as in the sample), signing out in one tab signs out every tab of that browser.</summary>
public sealed class SignOutAcrossTabsTests(E2EFixture fixture) : BrowserTest(fixture)
{
    // The signing-out tab is in the same browser, so it is told to reload too; the library tells the tabs only once
    // the sign-out response (which clears the auth cookie) has been sent, so that reload can no longer cancel it.
    [Fact]
    public Task SigningOutInOneTabSendsTheOtherTabsBackToTheAnonymousList() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var tab1 = await session.OpenAsync(browser);
        var anonymousItem = Unique("Anonymous item");
        await tab1.AddAsync(anonymousItem);

        // The real form, in this browser: its LiveState cookie and alice's sign-in go together.
        await tab1.SignInAsync("alice");
        var tab2 = await session.OpenAsync(browser);
        await Expect(tab2.Identity).ToHaveAttributeAsync("data-user", "alice");
        var aliceItem = Unique("Alice's item");
        await tab1.AddAsync(aliceItem);
        await Expect(tab2.Item(aliceItem)).ToBeVisibleAsync();

        await tab1.SignOutAsync();
        await tab1.ExpectItemsAsync(anonymousItem);

        // Tab 2 does nothing: it reloads by itself and comes back anonymous, on the browser's own list.
        await Expect(tab2.Identity).ToHaveTextAsync("Anonymous");
        await tab2.WaitUntilInteractiveAsync();
        await tab2.ExpectItemsAsync(anonymousItem);
        await tab2.ExpectNoItemAsync(aliceItem);
        await tab2.ExpectPresenceAsync(2);
    });
}
