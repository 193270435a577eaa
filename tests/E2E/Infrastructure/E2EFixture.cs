namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>One app server and one Chromium for the whole suite; every test makes its own browser contexts.</summary>
public sealed class E2EFixture : IAsyncLifetime
{
    // The sample's cookie authentication cookie (Program.cs).
    internal const string AuthCookieName = ".TodoApp.Auth";

    private readonly Dictionary<string, Cookie> _signIns = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signInGate = new(1, 1);
    private IPlaywright? _playwright;

    public TodoAppServer Server { get; } = new();

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(15_000);
        Server.Start();

        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Launches the distribution's Chromium (or <c>E2E_CHROMIUM</c>), headless.</summary>
    internal static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => Chromium.LaunchAsync(playwright);

    /// <summary>
    /// The authentication cookie of <paramref name="user"/>, got once per run by signing in through the login form.
    /// A new browser context given this cookie (and no other) is another device on which the user is signed in.
    /// </summary>
    public async Task<Cookie> GetSignInCookieAsync(string user)
    {
        await _signInGate.WaitAsync();
        try
        {
            if (!_signIns.TryGetValue(user, out var cookie))
            {
                await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.BaseAddress.ToString() });
                var tab = new TodoPage(await context.NewPageAsync());
                await tab.SignInAsync(user);
                var cookies = await context.CookiesAsync([Server.BaseAddress.ToString()]);
                var auth = cookies.Single(c => c.Name == AuthCookieName);
                cookie = new Cookie { Name = auth.Name, Value = auth.Value, Url = Server.BaseAddress.ToString(), HttpOnly = true, SameSite = auth.SameSite };
                _signIns[user] = cookie;
            }

            return cookie;
        }
        finally
        {
            _signInGate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        _signInGate.Dispose();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<E2EFixture>
{
    public const string Name = "Browser";
}
