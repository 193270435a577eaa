using LiveState.Blazor.Tests.Shared;
using System.Runtime.CompilerServices;
using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.ScaleOut;

/// <summary>
/// Two TodoApp servers on two loopback ports, scaled out on one real redis-server that the fixture starts (free port,
/// temp dir, append-only file) and stops, and one Chromium. Both servers are on 127.0.0.1, so a browser context's
/// cookies reach both: one browser can have a tab on each server.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    private readonly Dictionary<string, Cookie> _signIns = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signInGate = new(1, 1);
    private IPlaywright? _playwright;

    public RedisServer Redis { get; private set; } = default!;

    public TodoAppServer Server1 { get; private set; } = default!;

    public TodoAppServer Server2 { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(15_000);
        Redis = await RedisServer.StartAsync();
        Server1 = StartServer();
        Server2 = StartServer();
        _playwright = await Playwright.CreateAsync();
        Browser = await E2EFixture.LaunchChromiumAsync(_playwright);
    }

    /// <summary>Stops server 1 and starts a new one on the same port, on the same Redis: a restart or a redeploy.</summary>
    public async Task RestartServer1Async()
    {
        var port = Server1.BaseAddress.Port;
        await Server1.DisposeAsync();
        Server1 = StartServer(port);
    }

    /// <summary>The authentication cookie of <paramref name="user"/>, got once per run through server 1's login form.</summary>
    public async Task<Cookie> GetSignInCookieAsync(string user)
    {
        await _signInGate.WaitAsync();
        try
        {
            if (!_signIns.TryGetValue(user, out var cookie))
            {
                var address = Server1.BaseAddress.ToString();
                await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
                var tab = new TodoPage(await context.NewPageAsync());
                await tab.SignInAsync(user);
                var auth = (await context.CookiesAsync([address])).Single(c => c.Name == E2EFixture.AuthCookieName);
                cookie = new Cookie { Name = auth.Name, Value = auth.Value, Url = address, HttpOnly = true, SameSite = auth.SameSite };
                _signIns[user] = cookie;
            }

            return cookie;
        }
        finally
        {
            _signInGate.Release();
        }
    }

    /// <summary>Both servers' log lines since <paramref name="marks"/>, each tagged with its server.</summary>
    public IEnumerable<string> LogSince((long Server1, long Server2) marks) =>
        Server1.Log.Since(marks.Server1).Select(line => "[server1] " + line)
            .Concat(Server2.Log.Since(marks.Server2).Select(line => "[server2] " + line));

    public (long Server1, long Server2) MarkLogs() => (Server1.Log.Mark(), Server2.Log.Mark());

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        _signInGate.Dispose();
        if (Server1 is not null)
        {
            await Server1.DisposeAsync();
        }

        if (Server2 is not null)
        {
            await Server2.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }

    private TodoAppServer StartServer(int port = 0)
    {
        var server = new TodoAppServer(Redis.EndPoint, port);
        server.Start();
        return server;
    }
}

[CollectionDefinition(Name)]
public sealed class ScaleOutCollection : ICollectionFixture<ScaleOutFixture>
{
    public const string Name = "Browser, two servers on Redis";
}

/// <summary>Base of the two-server tests: a <see cref="BrowserSession"/> based on server 1, and artifacts of failures with both servers' logs.</summary>
[Collection(ScaleOutCollection.Name)]
public abstract class ScaleOutTest(ScaleOutFixture fixture)
{
    protected ScaleOutFixture Fixture { get; } = fixture;

    protected async Task RunAsync(Func<BrowserSession, Task> body, [CallerMemberName] string test = "")
    {
        var marks = Fixture.MarkLogs();
        await using var session = new BrowserSession(Fixture.Browser, Fixture.Server1.BaseAddress, Fixture.GetSignInCookieAsync);
        try
        {
            await body(session);
        }
        catch (Exception failure)
        {
            var directory = Path.Combine(BrowserTest.ArtifactsRoot, $"{GetType().Name}.{test}");
            await session.SaveArtifactsAsync(directory, failure, Fixture.LogSince(marks));
            throw;
        }
    }

    protected static string Unique(string text) => BrowserTest.Unique(text);
}
