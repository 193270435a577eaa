using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Sharing;

/// <summary>
/// Two tabs of one browser side by side, in sync: the README's screenshot. The picture is taken from a real run,
/// after the test has seen the second tab follow the first; it lands in TestResults/screenshots/two-tabs.png, and
/// in docs/images/two-tabs.png when UPDATE_SCREENSHOTS=1.
/// </summary>
public sealed class ReadmeScreenshotTests(E2EFixture fixture) : BrowserTest(fixture)
{
    private const string FramePath = "__readme/two-tabs";

    [Fact]
    public Task TwoTabsSideBySideStayInSync() => RunAsync(async session =>
    {
        var browser = await session.NewBrowserAsync("browser");
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(1280, 560);

        // A page of the app's own origin, served by Playwright, that frames the app twice: two tabs of one browser
        // (same origin, same cookie, two circuits) in one picture.
        await page.RouteAsync(new Uri(session.BaseAddress, FramePath).ToString(), route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = FrameHtml,
        }));
        // The browser gets its cookie first: two frames loading at once without one would get two different ids.
        await new TodoPage(page).GotoAsync();
        await page.GotoAsync(FramePath);

        var left = page.FrameLocator("#tab-1");
        var right = page.FrameLocator("#tab-2");
        foreach (var tab in new[] { left, right })
        {
            await tab.Locator(".shell[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        }

        await Expect(left.GetByTestId("presence")).ToHaveAttributeAsync("data-count", "2");
        await Expect(right.GetByTestId("presence")).ToHaveAttributeAsync("data-count", "2");

        foreach (var title in new[] { "Buy milk", "Book the train to Lyon", "Call grandma" })
        {
            await left.GetByTestId("new-todo").FillAsync(title);
            await left.GetByTestId("add-todo").ClickAsync();
            await Expect(right.GetByTestId("todo-title").GetByText(title, new LocatorGetByTextOptions { Exact = true })).ToBeVisibleAsync();
        }

        // A change in the right tab shows in the left one.
        var milkOnRight = right.GetByTestId("todo-item").Filter(new LocatorFilterOptions { HasText = "Buy milk" });
        await milkOnRight.GetByTestId("todo-toggle").ClickAsync();
        var milkOnLeft = left.GetByTestId("todo-item").Filter(new LocatorFilterOptions { HasText = "Buy milk" });
        await Expect(milkOnLeft).ToHaveAttributeAsync("data-done", "true");
        await Expect(left.GetByTestId("todo-title")).ToHaveTextAsync(["Buy milk", "Book the train to Lyon", "Call grandma"]);
        await Expect(right.GetByTestId("todo-title")).ToHaveTextAsync(["Buy milk", "Book the train to Lyon", "Call grandma"]);

        var png = await page.ScreenshotAsync();
        Assert.True(png.Length > 10_000, $"The screenshot has only {png.Length} bytes.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        var output = Path.Combine(Path.GetDirectoryName(ArtifactsRoot)!, "screenshots", "two-tabs.png");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllBytesAsync(output, png);
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1" && Repository.TryFindRoot() is { } root)
        {
            await File.WriteAllBytesAsync(Path.Combine(root, "docs", "images", "two-tabs.png"), png);
        }
    });

    private const string FrameHtml = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>Two tabs, one state</title>
          <style>
            body { margin: 0; padding: 16px; background: #e9ecf1; font-family: system-ui, sans-serif; display: flex; gap: 16px; }
            figure { margin: 0; flex: 1; display: flex; flex-direction: column; border-radius: 10px; overflow: hidden;
                     box-shadow: 0 2px 10px rgba(0, 0, 0, .15); background: #fff; }
            figcaption { padding: 8px 14px; background: #d5dae3; font-size: 13px; color: #333; }
            iframe { border: 0; width: 100%; height: 480px; }
          </style>
        </head>
        <body>
          <figure><figcaption>Tab 1 · localhost</figcaption><iframe id="tab-1" src="/"></iframe></figure>
          <figure><figcaption>Tab 2 · localhost</figcaption><iframe id="tab-2" src="/"></iframe></figure>
        </body>
        </html>
        """;
}
