using System.Security.Claims;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>
/// "No log line or exception message carries a cookie value or a whole browser id": a known browser goes through the
/// middleware (valid, fresh, invalid, duplicated and refused requests), a circuit (open, drop, reconnect, a failing
/// render, a failing app handler, a slot clash, sign-in with carry-over, sign-out of other tabs, close) and the
/// broadcaster, with every category logged at Trace; then every line, value and exception is searched.
/// </summary>
public sealed class NoBrowserIdInLogsTests
{
    [SessionGroupSlot("no-browser-id-in-logs")]
    public sealed class Draft
    {
        public string? Text { get; set; }
    }

    // Another type under the same slot name: reading it makes the store throw a message that names the group.
    [SessionGroupSlot("no-browser-id-in-logs")]
    public sealed class Clash
    {
        public int Value { get; set; }
    }

    private sealed class BlamingLifecycle : ILiveCircuitLifecycleHandler
    {
        // An app handler that puts the identity into its own exception: LiveIdentity's text must be safe to print.
        public Task OnConnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"app bug for {circuit.Identity} in {circuit.Identity.GroupId}");
    }

    [Fact]
    public async Task NoLogLineOrExceptionMessageCarriesTheBrowserIdOrTheCookie()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        builder.Services.AddLiveState(o => o.AllowedHubOrigins.Add("self"))
            .AddSignInHandler<CartCarrier>()
            .AddLifecycleHandler<BlamingLifecycle>();
        await using var app = builder.Build();
        app.UseLiveState();
        ClaimsPrincipal? hubUser = null;
        app.Map("/{**path}", (HttpContext context) =>
        {
            if (context.Request.Path.StartsWithSegments("/_blazor"))
            {
                hubUser = context.User;
            }

            return DefaultLiveIdentityResolver.FindBrowserId(context.User) ?? "none";
        });
        await app.StartAsync();
        using var client = app.GetTestClient();

        var browserId = BrowserIdCookie.NewId();
        var cookie = app.Services.GetRequiredService<BrowserIdCookie>().Seal(browserId);
        var other = app.Services.GetRequiredService<BrowserIdCookie>().Seal(BrowserIdCookie.NewId());
        var exceptions = new List<Exception>();

        // The middleware: a returning browser, a fresh one, an invalid and a duplicated cookie, HTTPS, a refused origin.
        Assert.Equal(browserId, await (await client.SendAsync(CookieTestApp.Page(cookie: ".LiveState.Browser=" + cookie))).Content.ReadAsStringAsync());
        var fresh = await client.SendAsync(CookieTestApp.Page());
        var freshId = await fresh.Content.ReadAsStringAsync();
        var freshCookie = CookieTestApp.CookieValue(CookieTestApp.SetCookie(fresh)!);
        await client.SendAsync(CookieTestApp.Page(cookie: ".LiveState.Browser=" + cookie[..^3]));
        await client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser={cookie}; .LiveState.Browser={other}"));
        Assert.Equal(browserId, await (await client.SendAsync(CookieTestApp.Page("https://localhost/", "__Host-.LiveState.Browser=" + cookie))).Content.ReadAsStringAsync());
        using (var refused = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate"))
        {
            refused.Headers.TryAddWithoutValidation("Origin", "https://evil.example.net");
            refused.Headers.TryAddWithoutValidation("Cookie", ".LiveState.Browser=" + cookie);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await client.SendAsync(refused)).StatusCode);
        }

        using (var hub = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate"))
        {
            hub.Headers.TryAddWithoutValidation("Origin", "http://localhost");
            hub.Headers.TryAddWithoutValidation("Cookie", ".LiveState.Browser=" + cookie);
            Assert.Equal(browserId, await (await client.SendAsync(hub)).Content.ReadAsStringAsync());
        }

        // The circuit, as Blazor opens it with the hub request's principal.
        await using var scope = app.Services.CreateAsyncScope();
        var auth = (ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(hubUser!)));
        var handler = scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
        await handler.OpenAsync("c1", CancellationToken.None);
        var registry = app.Services.GetRequiredService<CircuitRegistry>();
        registry.FindCircuit("c1")!.AddTarget(new FakeRenderTarget(RenderBehaviour.Fault));
        var group = LiveIdentity.BrowserGroup(browserId);
        Assert.Equal(group, registry.Find("c1")!.GroupId);

        // State and the broadcaster: every render of this circuit fails, and is logged.
        var states = app.Services.GetRequiredService<ISessionGroupStateService>();
        var broadcaster = app.Services.GetRequiredService<ILiveBroadcaster>();
        await states.MutateAsync<Cart>(group, c => c.Items.Add("apple"));
        await states.MutateAsync<Draft>(group, d => d.Text = "hello");
        exceptions.Add(Assert.ThrowsAny<Exception>(() => states.Get<Clash>(group)));
        await broadcaster.BroadcastToGroupAsync(group);
        await broadcaster.BroadcastToCircuitAsync("c1");
        await broadcaster.BroadcastToAllAsync();
        await handler.ConnectionChangedAsync("c1", connected: false);
        await handler.ConnectionChangedAsync("c1", connected: true);

        // Sign-in inside the circuit carries the cart over; sign-out marks this browser for the user's other tabs.
        var alice = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Cookies"));
        alice.AddIdentities(hubUser!.Identities.Where(i => i.Label == LiveStateClaimTypes.BrowserIdentityLabel));
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(alice)));
        await handler.LastMove.WaitAsync(Wait.Deadline);
        Assert.Equal(["apple"], states.Get<Cart>("user:alice").Items);
        Assert.True(await LiveStateHttpContextExtensions.SignOutOtherLiveTabsNowAsync(app.Services, alice));
        await handler.CloseAsync("c1");

        // What was logged, at every level and in every category, and what was thrown.
        var entries = app.Services.GetFakeLogCollector().GetSnapshot();
        var texts = entries.Select(e => $"{e.Category}: {Everything(e)}").Concat(exceptions.Select(e => e.ToString())).ToList();
        string[] secrets =
        [
            browserId,
            cookie,
            freshId,
            freshCookie,
            Convert.ToHexString(WebEncoders.Base64UrlDecode(browserId)),
            Convert.ToBase64String(WebEncoders.Base64UrlDecode(browserId)),
        ];
        foreach (var secret in secrets)
        {
            var leak = texts.FirstOrDefault(t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(leak is null, $"a log line or exception carries a secret: {leak}");
        }

        // The scan saw the paths it claims to cover, and group ids (not secrets) are printed whole.
        int[] expected = [1, 2, 5, 10, 11, 12, 15, 20];
        var seen = entries.Where(e => e.Category?.StartsWith("LiveState.Blazor", StringComparison.Ordinal) == true).Select(e => e.Id.Id).ToHashSet();
        Assert.All(expected, id => Assert.Contains(id, seen));
        Assert.Contains(texts, t => t.Contains(group, StringComparison.Ordinal));
        Assert.Contains(exceptions, e => e.Message.Contains(group, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Level == LogLevel.Trace);
    }

    /// <summary>
    /// All a sink could write of a record: the message, the structured values (the fake logger renders them as text
    /// when the line is written, as some refer to a request that ends), the scopes, and the whole exception chain.
    /// </summary>
    private static string Everything(FakeLogRecord record) => string.Join(
        "\n",
        record.Message,
        string.Join("\n", record.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? []),
        string.Join("\n", record.Scopes.Select(s => s?.ToString())),
        record.Exception?.ToString() ?? string.Empty);
}
