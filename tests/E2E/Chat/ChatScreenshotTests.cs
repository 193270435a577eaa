using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Chat;

/// <summary>
/// samples/ChatApp/README.md's screenshot, taken from a real run: a guest, Alice and Bob in one room, Bob typing. It lands
/// in TestResults/screenshots/chat.png, and in samples/ChatApp/images/chat.png when UPDATE_SCREENSHOTS=1. A server of its
/// own, so the sidebar lists the app's rooms and not those other tests created.
/// </summary>
[Collection(ChatScreenshotCollection.Name)]
public sealed class ChatScreenshotTests(ChatFixture fixture) : ChatTest(fixture)
{
    [Fact]
    public Task AGuestAliceAndBobChatWhileBobTypes() => RunAsync(async session =>
    {
        var guest = await session.GuestAsync("guest");
        await guest.Page.SetViewportSizeAsync(1100, 620);
        var room = await guest.CreateRoomAsync("Book club");
        var alice = await session.SignedInAsync("alice");
        await alice.EnterAsync(room);
        var bob = await session.SignedInAsync("bob");
        await bob.EnterAsync(room);
        await guest.ExpectMembersAsync(3);

        await alice.SendAsync("Has everyone finished chapter 3?");
        await guest.SendAsync("Almost, two pages to go!");
        await bob.SendAsync("Yes. That ending!");
        await alice.SendAsync("No spoilers, Bob!");
        await Expect(guest.Messages).ToHaveCountAsync(4);

        await bob.TypeAsync("Sorry, I");
        await Expect(guest.Typing).ToHaveTextAsync("Bob is typing…");

        var png = await guest.Page.ScreenshotAsync();
        Assert.True(png.Length > 10_000, $"The screenshot has only {png.Length} bytes.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        var output = Path.Combine(Path.GetDirectoryName(BrowserTest.ArtifactsRoot)!, "screenshots", "chat.png");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllBytesAsync(output, png);
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1" && Repository.TryFindRoot() is { } root)
        {
            var images = Path.Combine(root, "samples", "ChatApp", "images");
            Directory.CreateDirectory(images);
            await File.WriteAllBytesAsync(Path.Combine(images, "chat.png"), png);
        }
    });
}
