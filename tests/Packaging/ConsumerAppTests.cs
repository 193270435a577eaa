using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LiveState.Blazor.Packaging.Tests.Infrastructure;
using LiveState.Blazor.Tests.Shared;

namespace LiveState.Blazor.Packaging.Tests;

/// <summary>
/// A Blazor Server app written from scratch outside the repository, on the packages from the local feed only:
/// it builds with warnings as errors, starts on Kestrel against a real redis-server, and serves its first page with
/// the LiveState browser cookie.
/// </summary>
[Collection("packages")]
public sealed partial class ConsumerAppTests(PackedFeed feed, ITestOutputHelper output)
{
    // LiveStateOptions.CookieName's default (src/LiveState.Blazor/Hosting/LiveStateOptions.cs).
    private const string BrowserCookie = ".LiveState.Browser";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AppOnThePackagesBuildsWithWarningsAsErrorsAndServesAPageWithTheBrowserCookie()
    {
        var app = feed.NewDirectory("ConsumerApp");
        WriteApp(app);

        var clock = Stopwatch.StartNew();
        await DotNet.RunAsync(app, ["build", "-c", "Release", "-warnaserror", "-nodeReuse:false", "-nologo"], log: output);
        output.WriteLine($"restore and build of the app: {clock.Elapsed.TotalSeconds:0.0} s");

        await using var redis = await RedisServer.StartAsync();
        clock.Restart();
        using var server = await AppProcess.StartAsync(app, Path.Combine(app, "bin", "Release", "net10.0", "ConsumerApp.dll"), redis.EndPoint, StartTimeout);
        output.WriteLine($"app listening on {server.Address} after {clock.Elapsed.TotalSeconds:0.0} s");

        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(server.Address), Timeout = TimeSpan.FromSeconds(30) };

        // A browser's document request: that is what gets the cookie.
        using var page = new HttpRequestMessage(HttpMethod.Get, "/");
        page.Headers.Accept.ParseAdd("text/html");
        page.Headers.Add("Sec-Fetch-Dest", "document");
        using var response = await http.SendAsync(page);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET / answered {(int)response.StatusCode}:\n{body}\nApp output:\n{server.Output}");
        Assert.Contains("Shared counter", body, StringComparison.Ordinal);
        Assert.Contains("Count: 0", body, StringComparison.Ordinal);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        var browser = cookies.SingleOrDefault(c => c.StartsWith(BrowserCookie + "=", StringComparison.Ordinal));
        Assert.True(browser is not null, $"no {BrowserCookie} cookie; Set-Cookie: {string.Join(" | ", cookies)}");
        Assert.Contains("httponly", browser, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", browser, StringComparison.OrdinalIgnoreCase);

        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
        var report = await health.Content.ReadAsStringAsync();
        Assert.True(health.StatusCode == HttpStatusCode.OK && report == "Healthy", $"GET /health answered {(int)health.StatusCode} {report}\nApp output:\n{server.Output}");
    }

    private void WriteApp(string app)
    {
        var components = Path.Combine(app, "Components");
        Directory.CreateDirectory(Path.Combine(components, "Pages"));
        File.WriteAllText(Path.Combine(app, "ConsumerApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LiveState.Blazor" Version="{feed.Version}" />
                <PackageReference Include="LiveState.Blazor.Redis" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using ConsumerApp.Components;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddRazorComponents().AddInteractiveServerComponents();
            builder.Services.AddLiveState()
                .AddRedis(builder.Configuration["LiveState:Redis"] ?? throw new InvalidOperationException("Set LiveState:Redis."));
            builder.Services.AddHealthChecks().AddLiveStateRedis(tags: ["ready"]);

            var app = builder.Build();
            app.UseLiveState();
            app.UseAntiforgery();
            app.MapStaticAssets();
            app.MapHealthChecks("/health");
            app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
            app.Run();
            """);
        File.WriteAllText(Path.Combine(app, "SharedCounter.cs"), """
            namespace ConsumerApp;

            public sealed class SharedCounter
            {
                public int Value { get; set; }
            }
            """);
        File.WriteAllText(Path.Combine(components, "_Imports.razor"), """
            @using Microsoft.AspNetCore.Components.Routing
            @using Microsoft.AspNetCore.Components.Web
            @using static Microsoft.AspNetCore.Components.Web.RenderMode
            @using LiveState.Blazor
            @using ConsumerApp
            @using ConsumerApp.Components
            """);
        File.WriteAllText(Path.Combine(components, "App.razor"), """
            <!DOCTYPE html>
            <html lang="en">
            <head>
                <meta charset="utf-8" />
                <base href="/" />
                <HeadOutlet @rendermode="InteractiveServer" />
            </head>
            <body>
                <Routes @rendermode="InteractiveServer" />
                <script src="@Assets["_framework/blazor.web.js"]"></script>
            </body>
            </html>
            """);
        File.WriteAllText(Path.Combine(components, "Routes.razor"), """
            <Router AppAssembly="typeof(Program).Assembly">
                <Found Context="routeData">
                    <RouteView RouteData="routeData" />
                </Found>
            </Router>
            """);
        File.WriteAllText(Path.Combine(components, "Pages", "Home.razor"), """
            @page "/"
            @inherits LiveComponent
            @inject ILiveState<SharedCounter> Counter
            @inject ILivePresence Presence
            @inject ILiveBroadcaster Broadcaster

            <h1>Shared counter</h1>
            <p>Count: @Counter.Value.Value</p>
            <p>Tabs of this browser: @Presence.CircuitCount; the last refresh reached @_reached circuits.</p>
            <button @onclick="() => Counter.MutateAsync(c => c.Value++)">+1</button>
            <button @onclick="RefreshEveryoneAsync">Refresh everyone</button>

            @code {
                private int _reached;

                private async Task RefreshEveryoneAsync() => _reached = await Broadcaster.BroadcastToAllAsync();
            }
            """);
    }
}
