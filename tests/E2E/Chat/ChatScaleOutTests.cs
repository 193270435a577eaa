using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>Two ChatApp servers on one real redis-server (started by the fixture on a free loopback port), and one Chromium.</summary>
public sealed class ChatScaleOutFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public RedisServer Redis { get; private set; } = default!;

    public ChatAppServer Server1 { get; private set; } = default!;

    public ChatAppServer Server2 { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(15_000);
        Redis = await RedisServer.StartAsync();
        Server1 = new ChatAppServer(Redis.EndPoint);
        Server1.Start();
        Server2 = new ChatAppServer(Redis.EndPoint);
        Server2.Start();
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
}

[CollectionDefinition(Name)]
public sealed class ChatScaleOutCollection : ICollectionFixture<ChatScaleOutFixture>
{
    public const string Name = "Chat, two servers on Redis";
}

/// <summary>Issue 16 across servers: a room, its messages, typing and members reach the tabs of both servers through Redis.</summary>
[Collection(ChatScaleOutCollection.Name)]
public sealed class ChatScaleOutTests(ChatScaleOutFixture fixture)
{
    [Fact]
    public async Task ARoomSpansTwoServers()
    {
        var marks = (fixture.Server1.Log.Mark(), fixture.Server2.Log.Mark());
        await using var one = new BrowserSession(fixture.Browser, fixture.Server1.BaseAddress, _ => throw new NotSupportedException());
        await using var two = new BrowserSession(fixture.Browser, fixture.Server2.BaseAddress, _ => throw new NotSupportedException());
        try
        {
            // A guest on server 1 creates the room (the directory is state on Redis); one on server 2 joins it.
            var first = new ChatTab(await (await one.NewBrowserAsync("server1-guest")).NewPageAsync());
            await first.GotoAsync();
            var room = await first.CreateRoomAsync(ChatTest.UniqueTitle("Across"));
            var second = new ChatTab(await (await two.NewBrowserAsync("server2-guest")).NewPageAsync());
            await second.EnterAsync(room);
            var secondName = await second.NameAsync();

            await first.ExpectMembersAsync(2);
            await second.ExpectMembersAsync(2);

            await first.SendAsync("from server 1");
            await Expect(second.Message("from server 1")).ToBeVisibleAsync();

            await second.TypeAsync("hi");
            await Expect(first.Typing).ToHaveTextAsync($"{secondName} is typing…");
            await second.SendAsync("from server 2");
            await Expect(first.Message("from server 2")).ToBeVisibleAsync();
            await Expect(first.Typing).ToBeEmptyAsync();

            // The tab on server 2 closes: it leaves the room on server 1 too.
            await second.Page.CloseAsync();
            await first.ExpectMembersAsync(1, timeout: 30_000);
        }
        catch (Exception failure)
        {
            var directory = Path.Combine(BrowserTest.ArtifactsRoot, $"{nameof(ChatScaleOutTests)}.{nameof(ARoomSpansTwoServers)}");
            var log = fixture.Server1.Log.Since(marks.Item1).Select(l => "[server1] " + l).Concat(fixture.Server2.Log.Since(marks.Item2).Select(l => "[server2] " + l));
            await one.SaveArtifactsAsync(directory + "-server1", failure, log);
            await two.SaveArtifactsAsync(directory + "-server2", failure, log);
            throw;
        }
    }
}
