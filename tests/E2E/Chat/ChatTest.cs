using System.Runtime.CompilerServices;
using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>Base of the chat tests: runs a test body with its own browsers, and keeps artifacts of failures.</summary>
public abstract class ChatTest(ChatFixture fixture)
{
    protected ChatFixture Fixture { get; } = fixture;

    /// <summary>Runs <paramref name="body"/>; if it fails, saves screenshots, HTML and the server log under TestResults/e2e-artifacts/&lt;test&gt;/.</summary>
    protected async Task RunAsync(Func<ChatSession, Task> body, [CallerMemberName] string test = "")
    {
        var mark = Fixture.Server.Log.Mark();
        await using var browsers = new BrowserSession(Fixture.Browser, Fixture.Server.BaseAddress, _ => throw new NotSupportedException("Chat tests sign in through the form."));
        try
        {
            await body(new ChatSession(browsers));
        }
        catch (Exception failure)
        {
            var directory = Path.Combine(BrowserTest.ArtifactsRoot, $"{GetType().Name}.{test}");
            await browsers.SaveArtifactsAsync(directory, failure, Fixture.Server.Log.Since(mark));
            throw;
        }
    }

    /// <summary>A room title no other test or run uses.</summary>
    internal static string UniqueTitle(string text) => BrowserTest.Unique(text);
}

/// <summary>The browsers of one chat test.</summary>
public sealed class ChatSession(BrowserSession browsers)
{
    public BrowserSession Browsers { get; } = browsers;

    /// <summary>A new anonymous browser (a guest) with one tab on <paramref name="path"/>.</summary>
    public async Task<ChatTab> GuestAsync(string name, string path = "") => await OpenAsync(await Browsers.NewBrowserAsync(name), path);

    /// <summary>A new browser in which <paramref name="user"/> signed in through the form, with one tab on the home page.</summary>
    public async Task<ChatTab> SignedInAsync(string user)
    {
        var tab = new ChatTab(await (await Browsers.NewBrowserAsync(user)).NewPageAsync());
        await tab.SignInAsync(user);
        return tab;
    }

    /// <summary>Another tab of <paramref name="tab"/>'s browser, on <paramref name="path"/>.</summary>
    public Task<ChatTab> AnotherTabAsync(ChatTab tab, string path = "") => OpenAsync(tab.Page.Context, path);

    private static async Task<ChatTab> OpenAsync(IBrowserContext browser, string path)
    {
        var tab = new ChatTab(await browser.NewPageAsync());
        await tab.GotoAsync(path);
        return tab;
    }
}
