using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Identity;

/// <summary>
/// The browser cookie under ASP.NET Core's cookie policy when the app asks for consent (<c>CheckConsentNeeded</c>):
/// essential by default, so it is issued before consent; marked non-essential, it is neither issued nor read until the
/// user consents. Through the whole pipeline: <c>UseCookiePolicy()</c>, then <c>UseLiveState()</c>.
/// </summary>
public sealed class CookieConsentTests
{
    // What CookiePolicyOptions.ConsentCookie holds once the app calls ITrackingConsentFeature.GrantConsent().
    private const string Consent = ".AspNet.Consent=yes";

    private static Task<CookieTestApp> StartAsync(bool essential) => CookieTestApp.StartAsync(
        o => o.CookieIsEssential = essential,
        services: s => s.Configure<CookiePolicyOptions>(policy =>
        {
            policy.CheckConsentNeeded = _ => true;
            policy.MinimumSameSitePolicy = SameSiteMode.Unspecified;
        }),
        beforeLiveState: app => app.UseCookiePolicy());

    [Fact]
    public async Task ByDefaultTheCookieIsEssentialAndIssuedBeforeConsent()
    {
        await using var app = await StartAsync(essential: true);

        using var response = await app.Client.SendAsync(CookieTestApp.Page());

        var setCookie = CookieTestApp.SetCookie(response);
        Assert.NotNull(setCookie);
        Assert.StartsWith(".LiveState.Browser=", setCookie, StringComparison.Ordinal);
        Assert.Equal(app.Cookie.TryUnseal(CookieTestApp.CookieValue(setCookie)), await response.Content.ReadAsStringAsync());
        Assert.True(new LiveStateOptions().CookieIsEssential);
    }

    [Fact]
    public async Task ANonEssentialCookieIsNotIssuedWithoutConsentAndTheRequestHasNoBrowserId()
    {
        await using var app = await StartAsync(essential: false);

        using var first = await app.Client.SendAsync(CookieTestApp.Page());
        using var second = await app.Client.SendAsync(CookieTestApp.Page());

        // No cookie, so no browser id: each tab of the browser gets a private group of its own.
        Assert.Null(CookieTestApp.SetCookie(first));
        Assert.Null(CookieTestApp.SetCookie(second));
        Assert.Equal("none", await first.Content.ReadAsStringAsync());
        Assert.Equal("none", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ANonEssentialCookieTheBrowserStillHoldsIsNotReadWithoutConsent()
    {
        await using var app = await StartAsync(essential: false);
        var held = app.Cookie.Seal(BrowserIdCookie.NewId());

        // Issued while the user had consented; consent since withdrawn (or never recorded on this device).
        using var page = await app.Client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser={held}"));
        using var hub = await app.Client.SendAsync(CookieTestApp.Page("/_blazor?id=1", cookie: $".LiveState.Browser={held}", method: "POST"));

        Assert.Equal("none", await page.Content.ReadAsStringAsync());
        Assert.Equal("none", await hub.Content.ReadAsStringAsync());
        Assert.Null(CookieTestApp.SetCookie(page));
    }

    [Fact]
    public async Task OnceTheUserConsentsANonEssentialCookieIsIssuedAndRead()
    {
        await using var app = await StartAsync(essential: false);

        using var first = await app.Client.SendAsync(CookieTestApp.Page(cookie: Consent));
        var setCookie = CookieTestApp.SetCookie(first);
        Assert.NotNull(setCookie);
        var browserId = app.Cookie.TryUnseal(CookieTestApp.CookieValue(setCookie));
        Assert.NotNull(browserId);
        Assert.Equal(browserId, await first.Content.ReadAsStringAsync());

        // The next tab of the browser presents it and is in the same browser.
        using var second = await app.Client.SendAsync(CookieTestApp.Page(cookie: $"{Consent}; {setCookie.Split(';')[0]}"));
        Assert.Equal(browserId, await second.Content.ReadAsStringAsync());
        Assert.Null(CookieTestApp.SetCookie(second));
    }
}
