using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Circuits;

/// <summary>
/// .NET 10's circuit pause and resume: <c>Blazor.pauseCircuit()</c> persists the tab's component state in the browser
/// and ends its circuit on the server; <c>Blazor.resumeCircuit()</c> starts a new circuit from that state. LiveState's
/// state lives in the group, not in the circuit, so the resumed tab is back in its group with the group's current
/// state; while paused it has no circuit and is not counted in presence (docs/presence.md).
/// </summary>
public sealed class PauseResumeTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task APausedTabIsNotCountedAndComesBackToItsGroupWithWhatChangedMeanwhile() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var paused = await session.OpenAsync(browser);
        var other = await session.OpenAsync(browser);
        var before = Unique("Before the pause");
        await paused.AddAsync(before);
        await other.ExpectItemsAsync(before);
        await other.ExpectPresenceAsync(2);

        Assert.True(await PauseAsync(paused), "Blazor.pauseCircuit() did not pause the tab");

        // Paused: no circuit on the server, so the group's other tab counts one.
        await other.ExpectPresenceAsync(1);

        // The group changes while the tab is paused.
        var meanwhile = Unique("While it was paused");
        await other.AddAsync(meanwhile);

        // The paused tab has no circuit (the count above says the server dropped it), so no render can reach it.
        await paused.ExpectNoItemAsync(meanwhile);

        Assert.True(await ResumeAsync(paused), "Blazor.resumeCircuit() did not resume the tab");

        // A new circuit in the same group: it shows the group's state as it is now, and is counted again.
        await paused.ExpectItemsAsync(before, meanwhile);
        await paused.ExpectPresenceAsync(2);
        await other.ExpectPresenceAsync(2);
        await paused.ExpectNoErrorAsync();

        // It is live: a change from the other tab reaches it, and its own changes reach the other tab.
        var after = Unique("After the resume");
        await other.AddAsync(after);
        await paused.ExpectItemsAsync(before, meanwhile, after);
        await paused.ToggleAsync(before);
        await other.ExpectDoneAsync(before, true);
    });

    [Fact]
    public Task AResumedTabOfASignedInUserKeepsTheUserAndReceivesBroadcasts() => RunAsync(async session =>
    {
        var (admin, alice) = await BothAsync(session.SignedInAsync("admin", "admin"), session.SignedInAsync("alice"));
        var mine = Unique("Alice's before the pause");
        await alice.AddAsync(mine);

        Assert.True(await PauseAsync(alice), "Blazor.pauseCircuit() did not pause the tab");
        Assert.True(await ResumeAsync(alice), "Blazor.resumeCircuit() did not resume the tab");

        await Expect(alice.Identity).ToHaveAttributeAsync("data-user", "alice");
        await Expect(alice.Item(mine)).ToBeVisibleAsync();

        // A broadcast sent after the resume reaches the new circuit.
        var text = Unique("Sent after the resume");
        var form = admin.Page.GetByTestId("announce-form");
        await form.GetByTestId("announce-text").FillAsync(text);
        await form.GetByTestId("audience-everyone").CheckAsync();
        await form.GetByTestId("announce-send").ClickAsync();
        await Expect(admin.Page.GetByTestId("announce-status")).ToContainTextAsync("reached");
        await alice.ExpectAnnouncementAsync(text);
        await alice.ExpectNoErrorAsync();
    });

    // Both resolve once the framework has done it (true) or refused (false).
    private static Task<bool> PauseAsync(TodoPage tab) => tab.Page.EvaluateAsync<bool>("Blazor.pauseCircuit()");

    private static Task<bool> ResumeAsync(TodoPage tab) => tab.Page.EvaluateAsync<bool>("Blazor.resumeCircuit()");

    private static async Task<(TodoPage, TodoPage)> BothAsync(Task<TodoPage> a, Task<TodoPage> b)
    {
        await Task.WhenAll(a, b);
        return (await a, await b);
    }
}
