using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Docs.Infrastructure;

/// <summary>The guides' apps, run on Kestrel on a free loopback port, and the requests a browser would send them.</summary>
internal static class DocsApp
{
    public static WebApplicationBuilder NewBuilder(string environment = "Production", string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = contentRoot });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    public static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    /// <summary>A client for the started <paramref name="app"/> that keeps cookies, as a browser does.</summary>
    public static HttpClient Client(WebApplication app) =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer() }) { BaseAddress = new Uri(Address(app)) };

    /// <summary>A top-level page load: the only request LiveState's middleware answers with a browser cookie.</summary>
    public static HttpRequestMessage Page(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "document");
        return request;
    }
}
