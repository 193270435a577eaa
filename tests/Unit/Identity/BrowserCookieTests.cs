using System.Net;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Identity;

public sealed class BrowserCookieTests
{
    [Fact]
    public async Task DocumentRequestWithoutCookieGetsHttpOnlyLaxCookieForAYear()
    {
        await using var app = await CookieTestApp.StartAsync();

        var response = await app.Client.SendAsync(CookieTestApp.Page());

        var setCookie = CookieTestApp.SetCookie(response);
        Assert.NotNull(setCookie);
        Assert.StartsWith(".LiveState.Browser=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=31536000", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie.Replace("samesite", string.Empty, StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverHttpsTheCookieIsHostPrefixedSecureAtTheRootWithoutADomain()
    {
        await using var app = await CookieTestApp.StartAsync();

        var response = await app.Client.SendAsync(CookieTestApp.Page("https://localhost/"));

        var setCookie = CookieTestApp.SetCookie(response);
        Assert.NotNull(setCookie);
        Assert.StartsWith("__Host-.LiveState.Browser=", setCookie, StringComparison.Ordinal);
        Assert.Contains("; secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; path=/;", setCookie + ";", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverHttpsTheHostPrefixCanBeTurnedOffAndFollowsTheCookieName()
    {
        await using var plain = await CookieTestApp.StartAsync(o => o.UseHostPrefix = false);
        await using var renamed = await CookieTestApp.StartAsync(o => o.CookieName = "tabs");
        await using var insecure = await CookieTestApp.StartAsync(o => o.CookieSecurePolicy = CookieSecurePolicy.None);

        var plainCookie = CookieTestApp.SetCookie(await plain.Client.SendAsync(CookieTestApp.Page("https://localhost/")));
        var renamedCookie = CookieTestApp.SetCookie(await renamed.Client.SendAsync(CookieTestApp.Page("https://localhost/")));
        var insecureCookie = CookieTestApp.SetCookie(await insecure.Client.SendAsync(CookieTestApp.Page("https://localhost/")));

        Assert.StartsWith(".LiveState.Browser=", plainCookie, StringComparison.Ordinal);
        Assert.Contains("; secure", plainCookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("__Host-tabs=", renamedCookie, StringComparison.Ordinal);

        // A __Host- cookie must be Secure; an app that asked for non-secure cookies keeps the plain name.
        Assert.StartsWith(".LiveState.Browser=", insecureCookie, StringComparison.Ordinal);
        Assert.DoesNotContain("; secure", insecureCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverHttpsOnlyTheHostPrefixedCookieIsRead()
    {
        await using var app = await CookieTestApp.StartAsync();
        var issued = await app.Client.SendAsync(CookieTestApp.Page("https://localhost/"));
        var id = await issued.Content.ReadAsStringAsync();
        var value = CookieTestApp.CookieValue(CookieTestApp.SetCookie(issued)!);

        // The same sealed value under the plain name is what a sibling subdomain could plant: not read over HTTPS.
        var plain = await app.Client.SendAsync(CookieTestApp.Page("https://localhost/", ".LiveState.Browser=" + value));
        var prefixed = await app.Client.SendAsync(CookieTestApp.Page("https://localhost/", "__Host-.LiveState.Browser=" + value));
        var both = await app.Client.SendAsync(CookieTestApp.Page("https://localhost/", $".LiveState.Browser=junk; __Host-.LiveState.Browser={value}"));

        Assert.NotEqual(id, await plain.Content.ReadAsStringAsync());
        Assert.StartsWith("__Host-.LiveState.Browser=", CookieTestApp.SetCookie(plain), StringComparison.Ordinal);
        Assert.Equal(id, await prefixed.Content.ReadAsStringAsync());
        Assert.Null(CookieTestApp.SetCookie(prefixed));
        Assert.Equal(id, await both.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("__Host-.MyApp.Browser")]
    [InlineData("__host-tabs")]
    [InlineData("__Secure-tabs")]
    public async Task ACookieNameWithAPrefixOfItsOwnFailsAtStartup(string name)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings());
        builder.Services.AddLiveState(o => o.CookieName = name);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("UseHostPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecurePolicyAndLifetimeAreConfigurable()
    {
        await using var app = await CookieTestApp.StartAsync(o =>
        {
            o.CookieSecurePolicy = CookieSecurePolicy.Always;
            o.CookieLifetime = TimeSpan.FromDays(7);
            o.CookieName = "tabs";
        });

        var setCookie = CookieTestApp.SetCookie(await app.Client.SendAsync(CookieTestApp.Page()));

        Assert.StartsWith("tabs=", setCookie, StringComparison.Ordinal);
        Assert.Contains("; secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=604800", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task IssuedCookieRoundTripsToTheSameBrowserId()
    {
        await using var app = await CookieTestApp.StartAsync();

        var first = await app.Client.SendAsync(CookieTestApp.Page());
        var issuedId = await first.Content.ReadAsStringAsync();
        var cookie = CookieTestApp.SetCookie(first)!.Split(';')[0];
        var second = await app.Client.SendAsync(CookieTestApp.Page("/todos", cookie));

        Assert.Equal(43, issuedId.Length);
        Assert.Equal(issuedId, await second.Content.ReadAsStringAsync());
        Assert.Null(CookieTestApp.SetCookie(second));
    }

    [Fact]
    public async Task CookieValueDoesNotRevealTheBrowserId()
    {
        await using var app = await CookieTestApp.StartAsync();

        var response = await app.Client.SendAsync(CookieTestApp.Page());
        var id = await response.Content.ReadAsStringAsync();
        var value = CookieTestApp.CookieValue(CookieTestApp.SetCookie(response)!);

        Assert.DoesNotContain(id, value, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(WebEncoders.Base64UrlDecode(id)), Convert.ToHexString(WebEncoders.Base64UrlDecode(value)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/_blazor")]
    [InlineData("/_blazor/negotiate")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/_content/Lib/site.css")]
    [InlineData("/app.css")]
    [InlineData("/favicon.ico")]
    public async Task NoCookieIsIssuedOnHubOrStaticRequests(string path)
    {
        await using var app = await CookieTestApp.StartAsync();

        var response = await app.Client.SendAsync(CookieTestApp.Page(path));

        Assert.Null(CookieTestApp.SetCookie(response));
        Assert.Equal("none", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoCookieIsIssuedOnApiCalls()
    {
        await using var app = await CookieTestApp.StartAsync();
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/todos");
        api.Headers.TryAddWithoutValidation("Accept", "application/json");
        using var post = CookieTestApp.Page("/", method: "POST");
        using var fetch = CookieTestApp.Page("/data");
        fetch.Headers.Remove("Sec-Fetch-Dest");
        fetch.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "empty");

        Assert.Null(CookieTestApp.SetCookie(await app.Client.SendAsync(api)));
        Assert.Null(CookieTestApp.SetCookie(await app.Client.SendAsync(post)));
        Assert.Null(CookieTestApp.SetCookie(await app.Client.SendAsync(fetch)));
    }

    [Fact]
    public async Task HeadDocumentRequestGetsACookie()
    {
        await using var app = await CookieTestApp.StartAsync();

        var response = await app.Client.SendAsync(CookieTestApp.Page(method: "HEAD"));

        Assert.NotNull(CookieTestApp.SetCookie(response));
    }

    [Fact]
    public async Task HubRequestWithValidCookieCarriesTheBrowserId()
    {
        await using var app = await CookieTestApp.StartAsync();
        var first = await app.Client.SendAsync(CookieTestApp.Page());
        var id = await first.Content.ReadAsStringAsync();
        var cookie = CookieTestApp.SetCookie(first)!.Split(';')[0];

        using var hub = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate");
        hub.Headers.TryAddWithoutValidation("Cookie", cookie);
        var response = await app.Client.SendAsync(hub);

        Assert.Equal(id, await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> BadCookies() => new()
    {
        "garbage",
        "!!!not-base64!!!",
        "",
        "%00%01%02",
        new string('A', 100_000),
        WebEncoders.Base64UrlEncode(new byte[200]),
    };

    [Theory]
    [MemberData(nameof(BadCookies))]
    public async Task MalformedCookieIsTreatedAsAbsent(string value)
    {
        await using var app = await CookieTestApp.StartAsync();

        await AssertTreatedAsAbsentAsync(app, value);
    }

    [Fact]
    public async Task TamperedCookieStartsFreshGroup()
    {
        await using var app = await CookieTestApp.StartAsync();
        var first = await app.Client.SendAsync(CookieTestApp.Page());
        var id = await first.Content.ReadAsStringAsync();
        var raw = WebEncoders.Base64UrlDecode(CookieTestApp.CookieValue(CookieTestApp.SetCookie(first)!));

        for (var i = 0; i < raw.Length; i += 7)
        {
            var flipped = (byte[])raw.Clone();
            flipped[i] ^= 0x01;
            var response = await app.Client.SendAsync(CookieTestApp.Page(cookie: ".LiveState.Browser=" + WebEncoders.Base64UrlEncode(flipped)));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual(id, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// Sends <paramref name="value"/> as the browser cookie on a page request and checks, through the whole pipeline,
    /// that it counted as absent: 200, a fresh cookie, a fresh 43-character id unlike <paramref name="notThisId"/>.
    /// </summary>
    private static async Task AssertTreatedAsAbsentAsync(CookieTestApp app, string value, string? notThisId = null)
    {
        var response = await app.Client.SendAsync(CookieTestApp.Page(cookie: ".LiveState.Browser=" + value));
        var id = await response.Content.ReadAsStringAsync();
        var setCookie = CookieTestApp.SetCookie(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(setCookie);
        Assert.NotEqual(value, CookieTestApp.CookieValue(setCookie));
        Assert.Equal(43, id.Length);
        Assert.NotEqual(notThisId, id);
        Assert.Equal(id, app.Cookie.TryUnseal(CookieTestApp.CookieValue(setCookie)));
    }

    [Fact]
    public async Task TruncatedCookieIsTreatedAsAbsent()
    {
        await using var app = await CookieTestApp.StartAsync();
        var first = await app.Client.SendAsync(CookieTestApp.Page());
        var id = await first.Content.ReadAsStringAsync();
        var value = CookieTestApp.CookieValue(CookieTestApp.SetCookie(first)!);

        foreach (var length in new[] { 1, 10, value.Length / 2, value.Length - 1 })
        {
            await AssertTreatedAsAbsentAsync(app, value[..length], id);
        }
    }

    [Fact]
    public async Task CookieSealedWithAnotherKeyIsTreatedAsAbsent()
    {
        await using var app = await CookieTestApp.StartAsync();
        var foreignId = BrowserIdCookie.NewId();
        var foreign = new BrowserIdCookie(new EphemeralDataProtectionProvider()).Seal(foreignId);

        await AssertTreatedAsAbsentAsync(app, foreign, foreignId);
    }

    [Fact]
    public async Task CookieSealedForAnotherPurposeIsTreatedAsAbsent()
    {
        var provider = new EphemeralDataProtectionProvider();
        await using var app = await CookieTestApp.StartAsync(protection: provider);
        var raw = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var otherPurpose = WebEncoders.Base64UrlEncode(provider.CreateProtector("Some.Other.Purpose").Protect(raw));

        await AssertTreatedAsAbsentAsync(app, otherPurpose, WebEncoders.Base64UrlEncode(raw));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public async Task SealedValueOfWrongLengthIsTreatedAsAbsent(int length)
    {
        var provider = new EphemeralDataProtectionProvider();
        await using var app = await CookieTestApp.StartAsync(protection: provider);
        var sameKeyWrongLength = WebEncoders.Base64UrlEncode(provider.CreateProtector(BrowserIdCookie.Purpose).Protect(new byte[length]));

        await AssertTreatedAsAbsentAsync(app, sameKeyWrongLength);
    }

    private sealed class UnreachableKeyRing : IDataProtectionProvider, IDataProtector
    {
        public IDataProtector CreateProtector(string purpose) => this;

        public byte[] Protect(byte[] plaintext) => throw new System.Security.Cryptography.CryptographicException("The key ring is unavailable.");

        public byte[] Unprotect(byte[] protectedData) => throw new InvalidOperationException("Key ring store unreachable.");
    }

    [Fact]
    public async Task UnreachableKeyRingServesThePageWithoutACookie()
    {
        await using var app = await CookieTestApp.StartAsync(protection: new UnreachableKeyRing());

        var fresh = await app.Client.SendAsync(CookieTestApp.Page());
        var presented = await app.Client.SendAsync(CookieTestApp.Page(cookie: ".LiveState.Browser=" + WebEncoders.Base64UrlEncode(new byte[120])));

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Null(CookieTestApp.SetCookie(fresh));
        Assert.Equal("none", await fresh.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, presented.StatusCode);
        Assert.Equal("none", await presented.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequestPrincipalGetsUnauthenticatedBrowserIdentity()
    {
        await using var app = await CookieTestApp.StartAsync();
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/";
        context.Request.Headers.Accept = "text/html";
        var middleware = new LiveStateMiddleware(
            _ => Task.CompletedTask,
            app.Cookie,
            (Microsoft.Extensions.Options.IOptionsMonitor<LiveStateOptions>)app.Services.GetService(typeof(Microsoft.Extensions.Options.IOptionsMonitor<LiveStateOptions>))!,
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LiveStateMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        var identity = Assert.Single(context.User.Identities, i => i.Label == LiveStateClaimTypes.BrowserIdentityLabel);
        Assert.False(identity.IsAuthenticated);
        Assert.False(context.User.Identity!.IsAuthenticated);
        Assert.NotNull(DefaultLiveIdentityResolver.FindBrowserId(context.User));
    }
}
