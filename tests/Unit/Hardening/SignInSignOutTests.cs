using System.Net;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Tests.Hardening;

public sealed class Cart
{
    public List<string> Items { get; set; } = [];
}

public sealed class CartCarrier : ILiveSignInHandler
{
    public Task OnSignedInAsync(LiveSignInContext context, CancellationToken cancellationToken) =>
        context.CarryOverAsync<Cart>((anonymous, user) => new Cart { Items = [.. user.Items, .. anonymous.Items] }, cancellationToken).AsTask();
}

public sealed class SignInSignOutTests : IDisposable
{
    private readonly LiveTestServer _server = new(services: s => s.AddScoped<ILiveSignInHandler, CartCarrier>());

    public void Dispose() => _server.Dispose();

    private static ClaimsPrincipal Principal(string? userId, string browserId)
    {
        var principal = userId is null
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "Cookies"));
        principal.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browserId)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        return principal;
    }

    private async Task<string> OpenAsync(ClaimsPrincipal user, string circuitId)
    {
        var scope = _server.Services.CreateAsyncScope();
        ((ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        await scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single().OpenAsync(circuitId, CancellationToken.None);
        return circuitId;
    }

    [Fact]
    public async Task SignInCarriesTheAnonymousCartIntoTheUsersGroupOnce()
    {
        await _server.States.MutateAsync<Cart>(LiveIdentity.BrowserGroup("b1"), c => c.Items.Add("apple"));
        await _server.States.MutateAsync<Cart>("user:alice", c => c.Items.Add("pear"));

        await OpenAsync(Principal("alice", "b1"), "tab-1");
        await OpenAsync(Principal("alice", "b1"), "tab-2");

        Assert.Equal(["pear", "apple"], _server.States.Get<Cart>("user:alice").Items);
        Assert.Empty(_server.States.Get<Cart>(LiveIdentity.BrowserGroup("b1")).Items);
    }

    [Fact]
    public async Task SignInNeverPutsTheUserIntoTheBrowsersGroup()
    {
        await OpenAsync(Principal("alice", "b1"), "tab-1");

        Assert.Equal("user:alice", _server.Registry.Find("tab-1")!.GroupId);
        Assert.Equal(0, _server.Registry.CountGroup(LiveIdentity.BrowserGroup("b1")));
    }

    [Fact]
    public async Task ConcurrentSignInsInManyTabsCarryTheCartExactlyOnce()
    {
        await _server.States.MutateAsync<Cart>(LiveIdentity.BrowserGroup("b2"), c => c.Items.Add("plum"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => OpenAsync(Principal("bob", "b2"), $"tab-{i}"))));

        Assert.Equal(["plum"], _server.States.Get<Cart>("user:bob").Items);
    }

    [Fact]
    public async Task AnonymousTabsOfTheBrowserSeeTheCartLeave()
    {
        var anonymousTab = _server.Open<CartProbe>(new LiveIdentity(LiveIdentity.BrowserGroup("b3")));
        await _server.States.MutateAsync<Cart>(LiveIdentity.BrowserGroup("b3"), c => c.Items.Add("fig"));
        anonymousTab.Component.WaitForAssertion(() => Assert.Equal("fig", anonymousTab.Component.Find(".items").TextContent), Wait.Deadline);

        await OpenAsync(Principal("carol", "b3"), "signed-in-tab");

        Assert.Empty(anonymousTab.State.Get<Cart>().Items);
        anonymousTab.Component.WaitForAssertion(() => Assert.Equal(string.Empty, anonymousTab.Component.Find(".items").TextContent), Wait.Deadline);
    }

    private TestCircuit<GroupProbe> SignedInTab(string userId, string browserId, string id)
    {
        var tab = _server.Open<GroupProbe>(new LiveIdentity(LiveIdentity.UserGroup(userId), userId), id);
        _server.Registry.FindCircuit(id)!.BrowserId = browserId;
        return tab;
    }

    private async Task SignOutAsync(string userId, string browserId)
    {
        Assert.True(await LiveStateHttpContextExtensions.SignOutOtherLiveTabsNowAsync(_server.Services, Principal(userId, browserId)));
    }

    [Fact]
    public async Task SigningOutInOneTabReloadsTheUsersOtherTabsInThatBrowserOnly()
    {
        var laptopTab = SignedInTab("alice", "laptop", "laptop-tab");
        var phoneTab = SignedInTab("alice", "phone", "phone-tab");
        var bobTab = SignedInTab("bob", "laptop", "bob-tab");

        await SignOutAsync("alice", "laptop");

        var laptopNavigation = laptopTab.Bunit.Services.GetRequiredService<BunitNavigationManager>();
        await Wait.UntilAsync(() => laptopNavigation.History.Count > 0, "the laptop tab reloaded");
        Assert.True(laptopNavigation.History.Single().Options.ForceLoad);
        Assert.Empty(phoneTab.Bunit.Services.GetRequiredService<BunitNavigationManager>().History);
        Assert.Empty(bobTab.Bunit.Services.GetRequiredService<BunitNavigationManager>().History);
    }

    [Fact]
    public async Task ATabOpenedAfterSigningBackInStays()
    {
        await SignOutAsync("alice", "laptop");
        var later = SignedInTab("alice", "laptop", "later-tab");

        await _server.Broadcaster.BroadcastToGroupAsync("user:alice");

        Assert.Empty(later.Bunit.Services.GetRequiredService<BunitNavigationManager>().History);
    }

    [Fact]
    public async Task SignOutOfAnAnonymousRequestDoesNothing()
    {
        var http = new DefaultHttpContext { RequestServices = _server.Services, User = Principal(null, "b9") };

        Assert.False(http.SignOutOtherLiveTabs());
        Assert.False(await LiveStateHttpContextExtensions.SignOutOtherLiveTabsNowAsync(_server.Services, Principal(null, "b9")));
        await foreach (var group in _server.States.ListGroupsAsync())
        {
            Assert.Fail($"no state expected, found {group}");
        }
    }

    [Fact]
    public async Task TheSignOutMarkIsWrittenOnlyAfterTheResponseWasSent()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddLiveState(o => o.SignOutOtherTabs = true);
        await using var app = builder.Build();
        bool? markedBeforeTheResponseWasSent = null;
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Request.Path == "/logout")
            {
                // The endpoint ran and signed out; the response has not been sent yet.
                var states = context.RequestServices.GetRequiredService<ISessionGroupStateService>();
                markedBeforeTheResponseWasSent = states.Get<LiveState.Blazor.Sessions.SignedOutBrowsers>("user:alice").Browsers.Count > 0;
            }
        });
        app.UseAuthentication();
        app.UseLiveState();
        app.MapGet("/", () => "home");
        app.MapGet("/login", (HttpContext c) => c.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Cookies"))));
        app.MapGet("/logout", (HttpContext c) => c.SignOutAsync());
        await app.StartAsync();
        using var client = app.GetTestClient();
        var cookies = new List<string>();
        async Task Get(string path)
        {
            using var request = CookieTestApp.Page(path, cookies.Count == 0 ? null : string.Join("; ", cookies));
            using var response = await client.SendAsync(request);
            foreach (var set in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = set.Split(';')[0];
                cookies.RemoveAll(c => c.Split('=')[0] == pair.Split('=')[0]);
                cookies.Add(pair);
            }
        }

        await Get("/");
        await Get("/login");
        await Get("/logout");

        var states = app.Services.GetRequiredService<ISessionGroupStateService>();
        await Wait.UntilAsync(() => states.Get<LiveState.Blazor.Sessions.SignedOutBrowsers>("user:alice").Browsers.Count == 1, "the browser was marked signed out");
        Assert.False(markedBeforeTheResponseWasSent);
    }

    [Fact]
    public async Task CookieAuthenticationSignOutTellsTheOtherTabsWhenTheOptionIsOn()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddLiveState(o => o.SignOutOtherTabs = true);
        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseLiveState();
        app.MapGet("/", () => "home");
        app.MapGet("/login", (HttpContext c) => c.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Cookies"))));
        app.MapGet("/logout", (HttpContext c) => c.SignOutAsync());
        await app.StartAsync();
        using var client = app.GetTestClient();
        var cookies = new List<string>();
        async Task<HttpResponseMessage> Get(string path)
        {
            using var request = CookieTestApp.Page(path, cookies.Count == 0 ? null : string.Join("; ", cookies));
            var response = await client.SendAsync(request);
            foreach (var set in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = set.Split(';')[0];
                cookies.RemoveAll(c => c.Split('=')[0] == pair.Split('=')[0]);
                cookies.Add(pair);
            }

            return response;
        }

        await Get("/");
        await Get("/login");
        Assert.Equal(HttpStatusCode.OK, (await Get("/logout")).StatusCode);

        // The mark is written once the sign-out response has been sent.
        var states = app.Services.GetRequiredService<ISessionGroupStateService>();
        await Wait.UntilAsync(() => states.Get<LiveState.Blazor.Sessions.SignedOutBrowsers>("user:alice").Browsers.Count == 1, "the browser was marked signed out");
    }
}
