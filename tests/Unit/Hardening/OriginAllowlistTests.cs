using System.Net;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Hardening;

public sealed class OriginAllowlistTests
{
    private static HttpRequestMessage Hub(string? origin, string path = "/_blazor/negotiate")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost" + path);
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        return request;
    }

    [Fact]
    public async Task HubRequestFromAForeignOriginIsRefused()
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com"));

        var response = await app.Client.SendAsync(Hub("https://evil.example.net"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>Every way a request reaches the hub: negotiate, the WebSocket upgrade, long polling, and paths spelled differently.</summary>
    public static TheoryData<string, string> HubRequests() => new()
    {
        { "POST", "/_blazor/negotiate" },
        { "POST", "/_blazor/negotiate?negotiateVersion=1" },
        { "GET", "/_blazor?id=abc" },
        { "POST", "/_blazor?id=abc" },
        { "GET", "/_blazor" },
        { "GET", "/_blazor/" },
        { "GET", "/_BLAZOR" },
        { "POST", "/_Blazor/Negotiate?negotiateVersion=1" },
        { "POST", "/%5Fblazor/negotiate" },
        { "POST", "/%5fBLAZOR/negoti%61te" },
        { "GET", "/_blazor/initializers" },
        { "OPTIONS", "/_blazor/negotiate" },
    };

    [Theory]
    [MemberData(nameof(HubRequests))]
    public async Task EveryHubRequestFromAForeignOriginIsRefused(string method, string path)
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com"));
        using var foreign = new HttpRequestMessage(new HttpMethod(method), "http://localhost" + path);
        foreign.Headers.TryAddWithoutValidation("Origin", "https://evil.example.net");
        using var allowed = new HttpRequestMessage(new HttpMethod(method), "http://localhost" + path);
        allowed.Headers.TryAddWithoutValidation("Origin", "https://app.example.com");

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(allowed)).StatusCode);
    }

    [Fact]
    public async Task AWebSocketUpgradeFromAForeignOriginIsRefused()
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com"));
        using var upgrade = new HttpRequestMessage(HttpMethod.Get, "http://localhost/_blazor?id=abc");
        upgrade.Headers.TryAddWithoutValidation("Origin", "https://evil.example.net");
        upgrade.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        upgrade.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        upgrade.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));

        var response = await app.Client.SendAsync(upgrade);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData("https://app.example.com.evil.example.net")]
    [InlineData("https://evil.example.net/https://app.example.com")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:444")]
    [InlineData(" ")]
    public async Task OpaqueLookalikeAndOtherSchemeOriginsAreRefused(string origin)
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com"));

        var response = await app.Client.SendAsync(Hub(origin));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TwoOriginHeadersAreRefusedEvenWhenOneIsAllowed()
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com"));
        using var request = Hub("https://app.example.com");
        request.Headers.TryAddWithoutValidation("Origin", "https://evil.example.net");

        var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("HTTPS://APP.EXAMPLE.COM")]
    [InlineData(null)]
    public async Task HubRequestFromAnAllowedOriginOrWithoutOriginPasses(string? origin)
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com/"));

        var response = await app.Client.SendAsync(Hub(origin));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SelfAllowsTheAppsOwnOriginOnly()
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("self"));

        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(Hub("http://localhost"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(Hub("http://localhost:1234"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client.SendAsync(Hub("https://localhost"))).StatusCode);
    }

    [Fact]
    public async Task OtherPathsAreNotChecked()
    {
        await using var app = await CookieTestApp.StartAsync(o => o.AllowedHubOrigins.Add("https://app.example.com"));

        var response = await app.Client.SendAsync(Hub("https://evil.example.net", "/api/form"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WithoutAnAllowlistNothingIsChecked()
    {
        await using var app = await CookieTestApp.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await app.Client.SendAsync(Hub("https://evil.example.net"))).StatusCode);
    }

    [Theory]
    [InlineData("app.example.com")]
    [InlineData("https://app.example.com/path")]
    [InlineData("ftp://app.example.com")]
    public async Task AMalformedOriginFailsAtStartup(string origin)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLiveState(o => o.AllowedHubOrigins.Add(origin));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("AllowedHubOrigins", error.Message, StringComparison.Ordinal);
    }
}
