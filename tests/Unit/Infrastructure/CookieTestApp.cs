using LiveState.Blazor.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Tests.Infrastructure;

/// <summary>A real ASP.NET Core pipeline (TestServer) with UseLiveState; every endpoint answers with the browser id it saw.</summary>
internal sealed class CookieTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CookieTestApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">LiveState's options.</param>
    /// <param name="protection">The Data Protection provider; an ephemeral one by default.</param>
    /// <param name="services">Further services (a logger, a clock, cookie policy options).</param>
    /// <param name="beforeLiveState">Middleware that runs before <c>UseLiveState()</c> (<c>UseCookiePolicy()</c>).</param>
    public static async Task<CookieTestApp> StartAsync(
        Action<LiveStateOptions>? configure = null,
        IDataProtectionProvider? protection = null,
        Action<IServiceCollection>? services = null,
        Action<IApplicationBuilder>? beforeLiveState = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDataProtectionProvider>(protection ?? new EphemeralDataProtectionProvider());
        services?.Invoke(builder.Services);
        builder.Services.AddLiveState(configure);
        var app = builder.Build();
        beforeLiveState?.Invoke(app);
        app.UseLiveState();
        app.Map("/{**path}", (HttpContext context) =>
            DefaultLiveIdentityResolver.FindBrowserId(context.User) ?? "none");
        await app.StartAsync();
        return new CookieTestApp(app);
    }

    public BrowserIdCookie Cookie => Services.GetRequiredService<BrowserIdCookie>();

    public static HttpRequestMessage Page(string path = "/", string? cookie = null, string method = "GET")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", "document");
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return request;
    }

    public static string? SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.SingleOrDefault() : null;

    public static string CookieValue(string setCookie) => setCookie.Split(';')[0].Split('=', 2)[1];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
