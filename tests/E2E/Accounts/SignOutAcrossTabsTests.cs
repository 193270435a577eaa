using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Accounts;

/// <summary>
/// With <c>SignOutOtherTabs</c> on, signing out in one tab signs out every tab of that browser. The sample keeps it
/// off until the bug below is fixed: turn it on in samples/TodoApp/Program.cs and unskip this test together.
/// </summary>
public sealed class SignOutAcrossTabsTests(E2EFixture fixture) : BrowserTest(fixture)
{
    // Library bug, about one run in two: the sign-out also marks the signing-out tab's own circuit, whose forced
    // reload (CascadingSessionGroupState: Navigation.Refresh(forceReload: true)) races the tab's sign-out form post.
    // When the reload wins, the post's response (which clears the auth cookie) is dropped: every tab comes back
    // signed in as alice and tab 1's SignOutAsync times out on "Alice". Unskip once the library is fixed.
    [Fact(Skip = "Library bug: the signing-out tab's own forced reload can abort its sign-out post; alice stays signed in (see comment).")]
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
        await tab2.ExpectNoItemAsync(aliceItem);
        await tab2.WaitUntilInteractiveAsync();
        await tab2.ExpectItemsAsync(anonymousItem);
        await tab2.ExpectPresenceAsync(2);
    });
}
