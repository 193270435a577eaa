using System.Security.Claims;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>
/// Issue 14, item 4: one browser opening thousands of tabs. Each open changes the group's presence; rendering every
/// tab's presence readers for every open is quadratic. Presence renders are coalesced per group over
/// <see cref="LiveStateOptions.PresenceUpdateInterval"/>, and a group's circuits are capped.
/// </summary>
public sealed class PresenceFloodTests
{
    private static readonly LiveIdentity Browser = new(LiveIdentity.BrowserGroup("flood"));

    [Fact]
    public async Task TwoThousandTabsOfOneBrowserCostRendersInProportionToTheTabsNotTheirSquare()
    {
        const int Tabs = 2_000;
        var time = new FakeTimeProvider();
        using var server = new LiveTestServer(
            options =>
            {
                options.MaxCircuitsPerGroup = 0;
                options.PresenceUpdateInterval = TimeSpan.FromMilliseconds(200);
            },
            services => services.AddSingleton<TimeProvider>(time));
        var readers = new List<FakeRenderTarget>();

        for (var i = 0; i < Tabs; i++)
        {
            await OpenAsync(server, $"tab-{i}");
            var reader = new FakeRenderTarget { Reads = change => change.Kind == LiveChangeKind.Presence };
            server.Registry.FindCircuit($"tab-{i}")!.AddTarget(reader);
            readers.Add(reader);

            // Tabs keep opening while time passes: one window every 50 opens.
            if (i % 50 == 49)
            {
                time.Advance(TimeSpan.FromMilliseconds(200));
            }
        }

        time.Advance(TimeSpan.FromMilliseconds(200));
        await Wait.UntilAsync(() => readers.All(r => r.Renders >= 1), "every tab's presence reader rendered the final count");

        // Before coalescing each open re-rendered every tab already open: 1,999,000 renders. Now one render per tab per
        // window at most: 2,000 tabs over 40 windows.
        var total = readers.Sum(r => r.Renders);
        Assert.True(total <= Tabs * 41, $"{total} presence renders for {Tabs} tabs");
        Assert.True(total < 100_000, $"{total} presence renders for {Tabs} tabs");
    }

    [Fact]
    public async Task ChangesWithinOneWindowRenderOnceAtItsEndAndAQuietGroupClosesItsWindow()
    {
        var time = new FakeTimeProvider();
        using var server = new LiveTestServer(options => options.PresenceUpdateInterval = TimeSpan.FromSeconds(1), services => services.AddSingleton<TimeProvider>(time));
        var reader = new FakeRenderTarget { Reads = change => change.Kind == LiveChangeKind.Presence };
        server.Registry.Register("watching", Browser).AddTarget(reader);
        var notifier = server.Services.GetRequiredService<LocalChangeNotifier>();

        await notifier.PresenceChangedAsync(Browser.GroupId);
        Assert.Equal(1, reader.Renders);

        for (var i = 0; i < 100; i++)
        {
            await notifier.PresenceChangedAsync(Browser.GroupId);
        }

        Assert.Equal(1, reader.Renders);
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => reader.Renders == 2, "the window's changes rendered once");

        // Nothing changed in the next window: it closes, and the next change renders at once again.
        time.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => notifier.OpenWindows == 0, "the quiet group's window closed");
        Assert.Equal(2, reader.Renders);
        await notifier.PresenceChangedAsync(Browser.GroupId);
        Assert.Equal(3, reader.Renders);
    }

    [Fact]
    public async Task ACircuitBeyondTheCapIsRefusedWithAClearErrorAndTheOthersStay()
    {
        using var server = new LiveTestServer(options => options.MaxCircuitsPerGroup = 3);
        for (var i = 0; i < 3; i++)
        {
            await OpenAsync(server, $"tab-{i}");
        }

        var refused = await Assert.ThrowsAsync<LiveStateCircuitLimitException>(() => OpenAsync(server, "tab-3"));

        Assert.Contains("MaxCircuitsPerGroup", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, refused.Limit);
        Assert.Equal(3, server.Registry.CountGroup(Browser.GroupId));
        Assert.Null(server.Registry.Find("tab-3"));

        // Room again once a tab closes; another browser was never limited by this one.
        server.Registry.Unregister("tab-0");
        await OpenAsync(server, "tab-4");
        Assert.Equal(3, server.Registry.CountGroup(Browser.GroupId));
    }

    [Fact]
    public async Task ConcurrentOpensNeverOverfillAGroup()
    {
        using var server = new LiveTestServer(options => options.MaxCircuitsPerGroup = 10);

        var opens = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            try
            {
                await OpenAsync(server, $"tab-{i}");
                return true;
            }
            catch (LiveStateCircuitLimitException)
            {
                return false;
            }
        })));

        Assert.Equal(10, opens.Count(opened => opened));
        Assert.Equal(10, server.Registry.CountGroup(Browser.GroupId));
    }

    /// <summary>Opens a circuit of the flooding browser through the real circuit handler, as Blazor does.</summary>
    private static async Task OpenAsync(LiveTestServer server, string circuitId)
    {
        var scope = server.Services.CreateAsyncScope();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "flood")]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        ((ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var handler = scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
        await handler.OpenAsync(circuitId, CancellationToken.None);
    }
}
