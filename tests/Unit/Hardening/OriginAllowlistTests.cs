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
