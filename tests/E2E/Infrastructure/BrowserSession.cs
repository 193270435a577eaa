using System.Text;

namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>
/// The browsers of one test. Each <see cref="NewBrowserAsync"/> is a separate browser context: its own cookies,
/// as a second browser or a second device would have. On failure every open tab is saved for the post-mortem.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly Func<string, Task<Cookie>> _signInCookie;
    private readonly List<(string Name, IBrowserContext Context)> _contexts = [];

    public BrowserSession(E2EFixture fixture)
        : this(fixture.Browser, fixture.Server.BaseAddress, fixture.GetSignInCookieAsync)
    {
    }

    /// <param name="browser">The Chromium to open contexts in.</param>
    /// <param name="baseAddress">The server relative paths resolve against.</param>
    /// <param name="signInCookie">The authentication cookie of a user, for <see cref="SignedInAsync"/>.</param>
    public BrowserSession(IBrowser browser, Uri baseAddress, Func<string, Task<Cookie>> signInCookie)
    {
        _browser = browser;
        BaseAddress = baseAddress;
        _signInCookie = signInCookie;
    }

    public Uri BaseAddress { get; }

    /// <summary>A new browser (context): no cookies, so a new anonymous session group.</summary>
    public async Task<IBrowserContext> NewBrowserAsync(string name)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1000, Height = 800 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        lock (_contexts)
        {
            _contexts.Add((name, context));
        }

        return context;
    }

    /// <summary>Opens a tab of <paramref name="browser"/> at <paramref name="path"/> and waits until it is interactive.</summary>
    public async Task<TodoPage> OpenAsync(IBrowserContext browser, string path = "")
    {
        var page = await browser.NewPageAsync();
        var todo = new TodoPage(page);
        await todo.GotoAsync(path);
        return todo;
    }

    /// <summary>A new anonymous browser with one tab open on <paramref name="path"/>.</summary>
    public async Task<TodoPage> AnonymousAsync(string name, string path = "") => await OpenAsync(await NewBrowserAsync(name), path);

    /// <summary>
    /// A new browser (another device) on which <paramref name="user"/> is signed in, with one tab open on
    /// <paramref name="path"/>. It has the user's sign-in cookie and its own browser cookie, as a real second device would.
    /// </summary>
    public async Task<TodoPage> SignedInAsync(string user, string path = "")
    {
        var browser = await NewBrowserAsync(user);
        await browser.AddCookiesAsync([await _signInCookie(user)]);
        var tab = await OpenAsync(browser, path);
        await Expect(tab.Identity).ToHaveAttributeAsync("data-user", user);
        return tab;
    }

    /// <summary>Saves a screenshot and the HTML of every open tab, and the server's log since the test began.</summary>
    public async Task SaveArtifactsAsync(string directory, Exception failure, IEnumerable<string> serverLog)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "failure.txt"), failure.ToString());
        await File.WriteAllLinesAsync(Path.Combine(directory, "server.log"), serverLog);
        foreach (var (name, context) in _contexts)
        {
            var index = 0;
            foreach (var page in context.Pages)
            {
                var stem = Path.Combine(directory, $"{name}-tab{++index}");
                try
                {
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = stem + ".png", FullPage = true, Timeout = 5_000 });
                    var html = new StringBuilder()
                        .AppendLine($"<!-- {page.Url} -->")
                        .Append(await page.ContentAsync())
                        .ToString();
                    await File.WriteAllTextAsync(stem + ".html", html);
                }
                catch (PlaywrightException ex)
                {
                    await File.WriteAllTextAsync(stem + ".error.txt", ex.ToString());
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, context) in _contexts)
        {
            await context.CloseAsync();
        }
    }
}
