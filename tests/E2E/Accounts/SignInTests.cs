using System.Text.RegularExpressions;
using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Accounts;

public sealed class SignInTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task AliceSharesHerListAcrossDevicesAndBobSeesNoneOfIt() => RunAsync(async session =>
    {
        var (laptop, phone, bob) = await Tabs.AllAsync(
            session.SignedInAsync("alice"),
            session.SignedInAsync("alice"),
            session.SignedInAsync("bob"));
        var errand = Unique("Alice's errand");
        var chore = Unique("Alice's chore");

        await laptop.AddAsync(errand);
        await phone.Item(errand).WaitForAsync();
        await phone.AddAsync(chore);
        await laptop.Item(chore).WaitForAsync();

        await phone.ToggleAsync(errand);
        await laptop.ExpectDoneAsync(errand, done: true);

        // Bob, on his own browser, has his own list, live or reloaded.
        await bob.FenceAsync();
        await bob.ExpectNoItemAsync(errand);
        await bob.ExpectNoItemAsync(chore);
        await bob.ReloadAsync();
        await bob.ExpectNoItemAsync(errand);
        await bob.ExpectNoItemAsync(chore);
    });

    [Fact]
    public Task SigningOutReturnsTheTabToTheBrowsersAnonymousList() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var tab = await session.OpenAsync(browser);
        var anonymousItem = Unique("Anonymous item");
        var aliceItem = Unique("Alice's item");
        await tab.AddAsync(anonymousItem);

        await tab.SignInAsync("alice");
        await tab.ExpectNoItemAsync(anonymousItem);
        await tab.AddAsync(aliceItem);

        await tab.SignOutAsync();

        await Expect(tab.Identity).ToHaveTextAsync("Anonymous");
        await tab.ExpectItemsAsync(anonymousItem);
        await tab.ExpectNoItemAsync(aliceItem);

        // Another tab of the same browser agrees, and so does a reload.
        var other = await session.OpenAsync(browser);
        await other.ExpectItemsAsync(anonymousItem);
        await tab.ReloadAsync();
        await tab.ExpectItemsAsync(anonymousItem);
    });

    [Fact]
    public Task AWrongPasswordIsRefusedAndLeavesTheVisitorAnonymous() => RunAsync(async session =>
    {
        var tab = await session.OpenAsync(await session.NewBrowserAsync("browser"));
        await tab.Page.GetByTestId("sign-in").ClickAsync();

        // The login page is static server-rendered HTML: typing before any circuit starts loses nothing.
        await tab.Page.GetByTestId("login-user").FillAsync("alice");
        await tab.Page.GetByTestId("login-password").FillAsync("not-her-password");
        await tab.Page.GetByTestId("login-submit").ClickAsync();

        await Expect(tab.Page.GetByTestId("login-error")).ToBeVisibleAsync();
        await Expect(tab.Identity).ToHaveTextAsync("Anonymous");
        await tab.GotoAsync();
        await Expect(tab.Identity).ToHaveTextAsync("Anonymous");
    });

    [Fact]
    public Task SigningInFromAProtectedPageReturnsToIt() => RunAsync(async session =>
    {
        var page = await (await session.NewBrowserAsync("browser")).NewPageAsync();
        await page.GotoAsync("team");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?ReturnUrl=%2Fteam$", RegexOptions.IgnoreCase));

        var tab = new TodoPage(page);
        await page.GetByTestId("login-user").FillAsync("carol");
        await page.GetByTestId("login-password").FillAsync("carol-demo");
        await page.GetByTestId("login-submit").ClickAsync();

        await Expect(page.GetByTestId("team-name")).ToHaveTextAsync("Team rockets");
        await tab.WaitUntilInteractiveAsync();
        await Expect(tab.Identity).ToHaveAttributeAsync("data-user", "carol");
    });

    [Fact]
    public Task OnlyTheAdminMayOpenTheAdminPage() => RunAsync(async session =>
    {
        var bob = await session.SignedInAsync("bob");
        await Expect(bob.Page.GetByTestId("nav-admin")).ToHaveCountAsync(0);
        await bob.GotoAsync("admin");
        await Expect(bob.Page.GetByRole(AriaRole.Heading, new PageGetByRoleOptions { Name = "Admins only" })).ToBeVisibleAsync();
        await Expect(bob.Page.GetByTestId("announce-form")).ToHaveCountAsync(0);

        var admin = await session.SignedInAsync("admin");
        await admin.Page.GetByTestId("nav-admin").ClickAsync();
        await Expect(admin.Page.GetByTestId("announce-form")).ToBeVisibleAsync();
    });
}
