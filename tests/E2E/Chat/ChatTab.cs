namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>One tab of the ChatApp, with the actions a user takes and the things a user sees.</summary>
public sealed class ChatTab(IPage page)
{
    // The sample's cookie authentication cookie (samples/ChatApp/Program.cs).
    internal const string AuthCookieName = ".ChatApp.Auth";

    public IPage Page { get; } = page;

    /// <summary>The name this tab chats under (a guest name, or the signed-in user's).</summary>
    public ILocator Me => Page.GetByTestId("me");

    public ILocator Messages => Page.GetByTestId("message-text");

    public ILocator Members => Page.GetByTestId("members");

    public ILocator Typing => Page.GetByTestId("typing");

    public ILocator Refused => Page.GetByTestId("refused");

    /// <summary>Navigates (a full page load) and waits until the circuit is interactive.</summary>
    public async Task GotoAsync(string path = "")
    {
        await Page.GotoAsync(path);
        await WaitUntilInteractiveAsync();
    }

    public Task WaitUntilInteractiveAsync() =>
        Page.Locator(".shell[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Opens room <paramref name="roomId"/> and waits until this tab is one of its members.</summary>
    public async Task EnterAsync(string roomId)
    {
        await GotoAsync($"rooms/{roomId}");
        await Expect(Page.GetByTestId("composer")).ToBeVisibleAsync();
    }

    /// <summary>Creates a room through the sidebar form; the app navigates into it. Returns its id.</summary>
    public async Task<string> CreateRoomAsync(string title, bool membersOnly = false)
    {
        await Page.GetByTestId("new-room-title").FillAsync(title);
        if (membersOnly)
        {
            await Page.GetByTestId("new-room").GetByRole(AriaRole.Checkbox).CheckAsync();
        }

        await Page.GetByTestId("new-room-create").ClickAsync();
        await Expect(Page.GetByTestId("composer")).ToBeVisibleAsync();
        return await Page.GetByTestId("chat").GetAttributeAsync("data-room") ?? throw new InvalidOperationException("No room id.");
    }

    public async Task<string> NameAsync()
    {
        await Expect(Me).Not.ToBeEmptyAsync();
        return (await Me.TextContentAsync())!.Trim();
    }

    public Task TypeAsync(string text) => Page.GetByTestId("draft").PressSequentiallyAsync(text);

    public async Task SendAsync(string text)
    {
        await Page.GetByTestId("draft").FillAsync(text);
        await Page.GetByTestId("send").ClickAsync();
        await Expect(Message(text)).ToBeVisibleAsync();
    }

    public ILocator Message(string text) => Messages.GetByText(text, new LocatorGetByTextOptions { Exact = true });

    /// <summary>Waits until the room lists <paramref name="users"/> users (one per browser or signed-in user).</summary>
    public Task ExpectMembersAsync(int users, float? timeout = null) =>
        Expect(Members).ToHaveAttributeAsync("data-count", users.ToString(System.Globalization.CultureInfo.InvariantCulture), new LocatorAssertionsToHaveAttributeOptions { Timeout = timeout });

    /// <summary>Signs in through the login form (an HTTP form post) and waits for the new, signed-in circuit.</summary>
    public async Task SignInAsync(string user)
    {
        await Page.GotoAsync("login");
        await Page.GetByTestId("login-user").FillAsync(user);
        await Page.GetByTestId("login-password").FillAsync(user + "-demo");
        await Page.GetByTestId("login-submit").ClickAsync();
        await Expect(Page.GetByTestId("sign-out")).ToBeVisibleAsync();
        await WaitUntilInteractiveAsync();
    }
}
