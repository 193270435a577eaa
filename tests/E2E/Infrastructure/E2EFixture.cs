namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>One app server and one Chromium for the whole suite; every test makes its own browser contexts.</summary>
public sealed class E2EFixture : IAsyncLifetime
{
    // Playwright cannot download its own browsers here: drive the distribution's Chromium.
    private const string DefaultChromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public TodoAppServer Server { get; } = new();

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(15_000);
        Server.Start();

        var executable = Environment.GetEnvironmentVariable("E2E_CHROMIUM") is { Length: > 0 } path ? path : DefaultChromium;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Chromium was not found at {executable}; install Debian's chromium package (scripts/test.sh does) or set E2E_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<E2EFixture>
{
    public const string Name = "Browser";
}
