using System.Net;
using System.Security.Claims;
using LiveState.Blazor.Docs.Infrastructure;
using LiveState.Blazor.Docs.Snippets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LiveState.Blazor.Docs;

/// <summary>The guides' samples do what the guides say they do.</summary>
public sealed class SnippetTests : IDisposable
{
    // Every await here has a deadline: a hung server fails the test instead of hanging the run.
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Getting_started_app_serves_the_shared_counter_with_a_browser_cookie()
    {
        await using var app = GettingStarted.Build(NewBuilder());
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var response = await client.SendAsync(Page("/"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<span data-testid=\"clicks\">0</span>", body, StringComparison.Ordinal);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".LiveState.Browser=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Workspace_resolver_groups_members_by_workspace_and_leaves_the_rest_alone()
    {
        var resolver = new WorkspaceIdentityResolver(new StaticOptions(new LiveStateOptions()));

        var member = await resolver.ResolveAsync(SignedIn("alice", ("workspace", "acme")), Ct);
        var loner = await resolver.ResolveAsync(SignedIn("bob"), Ct);
        var anonymous = await resolver.ResolveAsync(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "b1"), new Claim("workspace", "acme")]) { Label = LiveStateClaimTypes.BrowserIdentityLabel }),
            Ct);

        Assert.Equal(new LiveIdentity("workspace:acme", "alice"), member);
        Assert.Equal(new LiveIdentity(LiveIdentity.UserGroup("bob"), "bob"), loner);
        Assert.Equal(new LiveIdentity(LiveIdentity.BrowserGroup("b1")), anonymous);
    }

    [Fact]
    public async Task Order_webhook_updates_the_users_group()
    {
        var builder = NewBuilder();
        builder.Services.AddLiveState();
        await using var app = builder.Build();
        OrderWebhook.Map(app);
        await app.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = new Uri(Address(app)) };

        using var response = await client.PostAsync(new Uri("/webhooks/orders/alice/o-17", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var groups = app.Services.GetRequiredService<ISessionGroupStateService>();
        Assert.Equal(["o-17"], groups.Get<Orders>(LiveIdentity.UserGroup("alice")).Ids);
        Assert.Empty(groups.Get<Orders>(LiveIdentity.UserGroup("bob")).Ids);
    }

    [Fact]
    public async Task Last_seen_tracker_records_when_the_users_last_circuit_closed()
    {
        var builder = NewBuilder();
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));
        builder.Services.AddLiveState().AddLifecycleHandler<LastSeenTracker>();
        await using var app = builder.Build();
        var tracker = app.Services.GetServices<ILiveCircuitLifecycleHandler>().OfType<LastSeenTracker>().Single();
        var groups = app.Services.GetRequiredService<ISessionGroupStateService>();

        var closed = new LiveCircuitInfo("c1", new LiveIdentity(LiveIdentity.UserGroup("alice"), "alice"), false, now.AddHours(-1));
        await tracker.OnClosedAsync(closed, Ct);
        await tracker.OnClosedAsync(new LiveCircuitInfo("c2", new LiveIdentity("browser:x"), false, now), Ct);

        Assert.Equal(now, groups.Get<LastSeen>(LiveIdentity.UserGroup("alice")).At);
        Assert.Null(groups.Get<LastSeen>("browser:x").At);
    }

    private static WebApplicationBuilder NewBuilder() => DocsApp.NewBuilder();

    private static string Address(WebApplication app) => DocsApp.Address(app);

    private static HttpRequestMessage Page(string path) => DocsApp.Page(path);

    private static ClaimsPrincipal SignedIn(string userId, params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), .. claims.Select(c => new Claim(c.Type, c.Value))],
            authenticationType: "test"));

    private sealed class StaticOptions(LiveStateOptions value) : IOptionsMonitor<LiveStateOptions>
    {
        public LiveStateOptions CurrentValue => value;

        public LiveStateOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LiveStateOptions, string?> listener) => null;
    }
}
