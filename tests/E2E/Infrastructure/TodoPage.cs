namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>One tab of the TodoApp, with the actions a user takes and the things a user sees.</summary>
public sealed class TodoPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Titles => Page.GetByTestId("todo-title");

    public ILocator Empty => Page.GetByTestId("empty");

    public ILocator Presence => Page.GetByTestId("presence");

    public ILocator Identity => Page.GetByTestId("identity");

    public ILocator AnnouncementTexts => Page.GetByTestId("announcement-text");

    public ILocator ErrorUi => Page.Locator("#blazor-error-ui");

    /// <summary>Navigates (a full page load) and waits until the circuit is interactive.</summary>
    public async Task<IResponse?> GotoAsync(string path = "")
    {
        var response = await Page.GotoAsync(path);
        await WaitUntilInteractiveAsync();
        return response;
    }

    public async Task<IResponse?> ReloadAsync()
    {
        var response = await Page.ReloadAsync();
        await WaitUntilInteractiveAsync();
        return response;
    }

    /// <summary>
    /// The layout sets data-interactive after its first render in the circuit: from then on clicks reach the server.
    /// Before that, the page is only prerendered HTML.
    /// </summary>
    public Task WaitUntilInteractiveAsync() =>
        Page.Locator(".shell[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    public async Task AddAsync(string title)
    {
        await Page.GetByTestId("new-todo").FillAsync(title);
        await Page.GetByTestId("add-todo").ClickAsync();

        // The adding tab re-renders through the same broadcast as every other tab of its group.
        await Expect(Item(title)).ToBeVisibleAsync();
    }

    public ILocator Item(string title) =>
        Page.GetByTestId("todo-item").Filter(new LocatorFilterOptions { Has = Page.GetByTestId("todo-title").GetByText(title, new LocatorGetByTextOptions { Exact = true }) });

    public Task ToggleAsync(string title) => Item(title).GetByTestId("todo-toggle").ClickAsync();

    public Task DeleteAsync(string title) => Item(title).GetByTestId("todo-delete").ClickAsync();

    public Task ClearCompletedAsync() => Page.GetByTestId("clear-completed").ClickAsync();

    public Task ExpectItemsAsync(params string[] titles) =>
        titles.Length == 0 ? Expect(Empty).ToBeVisibleAsync() : Expect(Titles).ToHaveTextAsync(titles);

    public Task ExpectDoneAsync(string title, bool done) =>
        Expect(Item(title)).ToHaveAttributeAsync("data-done", done ? "true" : "false");

    public Task ExpectNoItemAsync(string title) => Expect(Item(title)).ToHaveCountAsync(0);

    public Task ExpectPresenceAsync(int tabs) => Expect(Presence).ToHaveAttributeAsync("data-count", tabs.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Signs in through the login form (an HTTP form post) and waits for the new, signed-in circuit.</summary>
    public async Task SignInAsync(string user)
    {
        // The login page is static HTML with a plain form: there is no circuit to wait for.
        await Page.GotoAsync("login");

        await Page.GetByTestId("login-user").FillAsync(user);
        await Page.GetByTestId("login-password").FillAsync(user + "-demo");
        await Page.GetByTestId("login-submit").ClickAsync();
        await Expect(Identity).ToHaveAttributeAsync("data-user", user);
        await WaitUntilInteractiveAsync();
    }

    /// <summary>Signs out (an HTTP form post) and waits for the new, anonymous circuit.</summary>
    public async Task SignOutAsync()
    {
        await Page.GetByTestId("sign-out").ClickAsync();
        await Expect(Identity).ToHaveTextAsync("Anonymous");
        await WaitUntilInteractiveAsync();
    }

    public Task ExpectAnnouncementAsync(string text) =>
        Expect(AnnouncementTexts.GetByText(text, new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();

    public Task ExpectNoAnnouncementAsync(string text) =>
        Expect(AnnouncementTexts.GetByText(text, new LocatorGetByTextOptions { Exact = true })).ToHaveCountAsync(0);

    public Task ExpectNoErrorAsync() => Expect(ErrorUi).ToBeHiddenAsync();

    /// <summary>
    /// A fence before a "not shown" check: this tab makes a change of its own and waits to see it, so every render the
    /// server sent it before has arrived. A check that something is absent then cannot pass merely because a wrong
    /// render had not arrived yet.
    /// </summary>
    public async Task FenceAsync()
    {
        var fence = "fence " + Guid.NewGuid().ToString("N")[..8];
        await AddAsync(fence);
        await DeleteAsync(fence);
        await ExpectNoItemAsync(fence);
    }
}
