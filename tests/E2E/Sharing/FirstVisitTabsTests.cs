using System.Collections.Concurrent;
using LiveState.Blazor.E2E.Tests.Infrastructure;

namespace LiveState.Blazor.E2E.Tests.Sharing;

/// <summary>A new browser opening several tabs at once (a restored session, a link opened in three tabs).</summary>
public sealed class FirstVisitTabsTests(E2EFixture fixture) : BrowserTest(fixture)
{
    [Fact]
    public Task TabsOpenedAtOnceWithoutACookieEndUpInOneGroupOnceConnected() => RunAsync(async session =>
    {
        const int Tabs = 3;
        var browser = await session.NewBrowserAsync("restored");

        // Hold every document request until all of them have left the browser: none carries a cookie, so each is
        // answered with a browser id of its own, as when a browser restores several tabs of a site it never visited.
        var held = new ConcurrentQueue<IRoute>();
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var documents = new ConcurrentBag<IResponse>();
        await browser.RouteAsync(session.BaseAddress + "**", async route =>
        {
            if (route.Request.ResourceType != "document")
            {
                await route.ContinueAsync();
                return;
            }

            Assert.DoesNotContain("LiveState.Browser", await route.Request.HeaderValueAsync("cookie") ?? string.Empty, StringComparison.Ordinal);
            held.Enqueue(route);
            if (held.Count == Tabs)
            {
                allSent.TrySetResult();
            }

            await allSent.Task;
            await route.ContinueAsync();
        });

        var pages = new List<TodoPage>();
        for (var i = 0; i < Tabs; i++)
        {
            var page = await browser.NewPageAsync();
            page.Response += (_, response) =>
            {
                if (response.Request.ResourceType == "document")
                {
                    documents.Add(response);
                }
            };
            pages.Add(new TodoPage(page));
        }

        await Task.WhenAll(pages.Select(p => p.GotoAsync()));
        var issued = new List<string>();
        foreach (var response in documents)
        {
            issued.AddRange((await response.HeaderValuesAsync("set-cookie")).Where(c => c.Contains("LiveState.Browser", StringComparison.Ordinal)));
        }

        // Three first requests, three browser ids.
        Assert.Equal(Tabs, issued.Distinct().Count());

        // Each circuit reads the cookie the browser holds when the circuit connects: the last one it stored.
        foreach (var page in pages)
        {
            await page.ExpectPresenceAsync(Tabs);
        }

        await pages[0].AddAsync("shared");
        foreach (var page in pages.Skip(1))
        {
            await page.ExpectItemsAsync("shared");
        }
    });
}
