using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>One ChatApp server and one Chromium for the chat tests; every test makes its own browser contexts and rooms.</summary>
public sealed class ChatFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public ChatAppServer Server { get; } = new();

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(15_000);
        Server.Start();
        _playwright = await Playwright.CreateAsync();
        Browser = await E2EFixture.LaunchChromiumAsync(_playwright);
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
public sealed class ChatCollection : ICollectionFixture<ChatFixture>
{
    public const string Name = "Chat";
}

[CollectionDefinition(Name)]
public sealed class ChatScreenshotCollection : ICollectionFixture<ChatFixture>
{
    public const string Name = "Chat screenshot";
}
