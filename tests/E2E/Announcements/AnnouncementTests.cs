using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Announcements;

public sealed class AnnouncementTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task AnAnnouncementToChosenUsersReachesOnlyTheirTabs() => RunAsync(async session =>
    {
        // Independent browsers open side by side; nothing below starts before all are interactive.
        var (admin, aliceLaptop, alicePhone, carol, bob, anonymous) = await Tabs.AllAsync(
            session.SignedInAsync("admin", "admin"),
            session.SignedInAsync("alice"),
            session.SignedInAsync("alice"),
            session.SignedInAsync("carol"),
            session.SignedInAsync("bob"),
            session.AnonymousAsync("anonymous"));
        var text = Unique("Standup moved to 10:30");

        await SendAsync(admin, text, "audience-users", async form =>
        {
            await form.GetByTestId("recipient-alice").CheckAsync();
            await form.GetByTestId("recipient-bob").CheckAsync();
        });

        await aliceLaptop.ExpectAnnouncementAsync(text);
        await alicePhone.ExpectAnnouncementAsync(text);
        await bob.ExpectAnnouncementAsync(text);
        await ExpectNeverShownAsync(admin, text, carol, anonymous, admin);
    });

    [Fact]
    public Task AnAnnouncementToEveryoneReachesAllTabs() => RunAsync(async session =>
    {
        var (admin, alice, bobTeamPage, anonymousFirst) = await Tabs.AllAsync(
            session.SignedInAsync("admin", "admin"),
            session.SignedInAsync("alice"),
            session.SignedInAsync("bob", "team"),
            session.AnonymousAsync("anonymous"));
        var anonymousSecond = await session.OpenAsync(anonymousFirst.Page.Context);
        var text = Unique("The office closes at 5 today");

        await SendAsync(admin, text, "audience-everyone");

        foreach (var tab in new[] { admin, alice, bobTeamPage, anonymousFirst, anonymousSecond })
        {
            await tab.ExpectAnnouncementAsync(text);
        }

        // Someone who arrives later sees it too: it is state, not a one-off message.
        var latecomer = await session.AnonymousAsync("latecomer");
        await latecomer.ExpectAnnouncementAsync(text);
    });

    [Fact]
    public Task AnAnnouncementToAGroupReachesOnlyThatGroup() => RunAsync(async session =>
    {
        var (admin, alice, carol, bob, anonymous) = await Tabs.AllAsync(
            session.SignedInAsync("admin", "admin"),
            session.SignedInAsync("alice"),
            session.SignedInAsync("carol", "team"),
            session.SignedInAsync("bob"),
            session.AnonymousAsync("anonymous"));
        var text = Unique("Rockets: demo at 3pm");

        await SendAsync(admin, text, "audience-group", form => form.GetByTestId("recipient-group").SelectOptionAsync("team:rockets"));

        await alice.ExpectAnnouncementAsync(text);
        await carol.ExpectAnnouncementAsync(text);
        await ExpectNeverShownAsync(admin, text, bob, anonymous, admin);
    });

    private static async Task SendAsync(TodoPage admin, string text, string audience, Func<ILocator, Task>? chooseRecipients = null)
    {
        var form = admin.Page.GetByTestId("announce-form");
        await form.GetByTestId("announce-text").FillAsync(text);
        await form.GetByTestId(audience).CheckAsync();
        if (chooseRecipients is not null)
        {
            await chooseRecipients(form);
        }

        await form.GetByTestId("announce-send").ClickAsync();
        await Expect(admin.Page.GetByTestId("announce-status")).ToContainTextAsync("reached");
    }

    /// <summary>
    /// Not shown now (the send has completed, so every live render already happened) and not after a reload
    /// either: the tab neither got the broadcast nor may read the announcement from the shared board.
    /// </summary>
    private static async Task ExpectNeverShownAsync(TodoPage admin, string text, params TodoPage[] tabs)
    {
        // Fenced: an announcement to everyone, sent after, reaches each tab first; the first one can no longer be on its way.
        var fence = Unique("Fence");
        await SendAsync(admin, fence, "audience-everyone");
        foreach (var tab in tabs)
        {
            await tab.ExpectAnnouncementAsync(fence);
            await tab.ExpectNoAnnouncementAsync(text);
        }

        await Task.WhenAll(tabs.Select(tab => tab.ReloadAsync()));
        foreach (var tab in tabs)
        {
            await tab.ExpectNoAnnouncementAsync(text);
        }
    }
}
