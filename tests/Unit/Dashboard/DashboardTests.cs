using Bunit;
using LiveState.Blazor.Backends;
using LiveState.Blazor.Dashboard;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Tests.Hardening;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiveState.Blazor.Tests.Dashboard;

/// <summary>Issue 15: the live developer dashboard: what it maps, what it records, what it reads, who may see it.</summary>
public sealed class DashboardTests
{
    [Fact]
    public void MappingWithoutAddDashboardSaysWhatToCall()
    {
        using var app = App(Environments.Development, dashboard: false);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapLiveStateDashboard());

        Assert.Contains("AddLiveState().AddDashboard()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideDevelopmentTheDashboardRefusesToMapWithoutAPolicy()
    {
        using var app = App(Environments.Production);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapLiveStateDashboard("/_livestate"));

        Assert.Contains("authorization policy", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Production'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Endpoints(app));
    }

    [Fact]
    public void WithAPolicyTheEndpointRequiresIt_AndInDevelopmentItMapsWithout()
    {
        using var production = App(Environments.Production);
        production.MapLiveStateDashboard("/ops/live", authorizationPolicy: "Admins");
        var endpoint = Assert.Single(Endpoints(production));
        Assert.Equal("/ops/live", endpoint.RoutePattern.RawText);
        Assert.Contains(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == "Admins");

        using var development = App(Environments.Development);
        development.MapLiveStateDashboard();
        var open = Assert.Single(Endpoints(development));
        Assert.Equal("/_livestate", open.RoutePattern.RawText);
        Assert.Empty(open.Metadata.GetOrderedMetadata<IAuthorizeData>());
    }

    [Theory]
    [InlineData(nameof(LiveStateDashboardOptions.RecentDeliveries))]
    [InlineData(nameof(LiveStateDashboardOptions.MaxGroups))]
    [InlineData(nameof(LiveStateDashboardOptions.RefreshInterval))]
    [InlineData(nameof(LiveStateDashboardOptions.HealthInterval))]
    public void BadOptionsFailWhenAddedNamingTheOption(string option)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddLiveState().AddDashboard(o =>
        {
            switch (option)
            {
                case nameof(o.RecentDeliveries): o.RecentDeliveries = 0; break;
                case nameof(o.MaxGroups): o.MaxGroups = -1; break;
                case nameof(o.RefreshInterval): o.RefreshInterval = TimeSpan.Zero; break;
                default: o.HealthInterval = TimeSpan.FromMilliseconds(10); break;
            }
        }));

        Assert.Contains("LiveStateDashboardOptions." + option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFeedKeepsTheLastDeliveriesNewestFirst_AndABoundedNumberOfSlots()
    {
        using var server = new LiveTestServer(services: s => new LiveStateBuilder(s).AddDashboard(o => o.RecentDeliveries = 3));
        var feed = server.Services.GetRequiredService<DashboardFeed>();
        var changed = 0;
        feed.Changed += () => Interlocked.Increment(ref changed);

        for (var i = 0; i < 5; i++)
        {
            feed.OnRendered(new LiveRenderEvent(LiveRenderCause.SlotChanged, $"browser:g{i}", "todos", LiveTargetKind.Group, [], null, reached: i, TimeSpan.FromMilliseconds(i)));
        }

        Assert.Equal([4, 3, 2], feed.Recent().Select(d => d.Reached));
        Assert.Equal(5, feed.Deliveries);
        Assert.Equal(5, changed);

        for (var i = 0; i < DashboardFeed.MaxSlots + 500; i++)
        {
            feed.OnRendered(new LiveRenderEvent(LiveRenderCause.SlotChanged, $"browser:many{i}", "todos", LiveTargetKind.Group, [], null, 1, TimeSpan.Zero));
        }

        var remembered = Enumerable.Range(0, DashboardFeed.MaxSlots + 500).Count(i => feed.ChangedSlots($"browser:many{i}").Count > 0);
        Assert.InRange(remembered, DashboardFeed.MaxSlots / 2, DashboardFeed.MaxSlots);
        Assert.NotEmpty(feed.ChangedSlots($"browser:many{DashboardFeed.MaxSlots + 499}"));
    }

    [Fact]
    public async Task TheReaderShowsAGroupsCircuitsAndSlotsWithVersionAndSize_AndWhatWasDelivered()
    {
        using var server = new LiveTestServer(services: s => new LiveStateBuilder(s).AddDashboard());
        var group = LiveIdentity.BrowserGroup("dash");
        using var circuit = server.Open<CartProbe>(new LiveIdentity(group));
        await server.States.MutateAsync<Cart>(group, c => c.Items.Add("apples"));
        await server.States.MutateAsync<Cart>(group, c => c.Items.Add("pears"));
        await server.Broadcaster.BroadcastToGroupAsync(group);
        var reader = server.Services.GetRequiredService<DashboardReader>();

        var snapshot = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(1, snapshot.CircuitsHere);
        var row = Assert.Single(snapshot.Groups);
        Assert.Equal(LiveIdentity.Redact(group), row.Id);
        Assert.Equal(1, row.CircuitsHere);
        var slot = Assert.Single(row.Slots);
        Assert.Equal(typeof(Cart).FullName, slot.Type);
        Assert.Equal(2, slot.Version);
        Assert.Equal(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(await server.States.GetAsync<Cart>(group)).Length, slot.Bytes);
        Assert.NotNull(slot.ChangedAt);
        Assert.Contains(snapshot.Recent, d => d.Cause == LiveRenderCause.Broadcast && d.Target == LiveTargetKind.Group && d.Reached == 1);
        Assert.Contains(snapshot.Recent, d => d.Cause == LiveRenderCause.SlotChanged && d.Slot == slot.Key);
    }

    [Fact]
    public async Task TheHealthChecksRunOncePerIntervalHoweverManyDashboardsAsk()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var runs = 0;
        using var server = new LiveTestServer(services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddHealthChecks().AddCheck("counted", () =>
            {
                Interlocked.Increment(ref runs);
                return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
            });
            new LiveStateBuilder(s).AddDashboard(o => o.HealthInterval = TimeSpan.FromSeconds(10));
        });
        var feed = server.Services.GetRequiredService<DashboardFeed>();

        var first = await feed.HealthAsync();
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => feed.HealthAsync()));
        Assert.Equal(1, runs);
        Assert.Equal("counted", Assert.Single(first!).Name);

        clock.Advance(TimeSpan.FromSeconds(10));
        await feed.HealthAsync();
        Assert.Equal(2, runs);
    }

    [Fact]
    public void InItsCircuitTheDashboardChecksThePolicyAgain_AndShowsNothingToAUserWithoutIt()
    {
        using var server = new LiveTestServer(services: s => new LiveStateBuilder(s).AddDashboard());
        using var bunit = new BunitContext();
        bunit.Services.AddFallbackServiceProvider(server.Services);
        var authorization = bunit.AddAuthorization();
        authorization.SetAuthorized("alice");
        bunit.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var denied = bunit.Render<DashboardView>(p => p.Add(v => v.Policy, "Admins"));
        Assert.Single(denied.FindAll("#dashboard-denied"));
        Assert.Empty(denied.FindAll("#groups"));

        authorization.SetPolicies("Admins");
        var allowed = bunit.Render<DashboardView>(p => p.Add(v => v.Policy, "Admins"));
        Assert.Empty(allowed.FindAll("#dashboard-denied"));
        Assert.Single(allowed.FindAll("#groups"));
    }

    private static WebApplication App(string environment, bool dashboard = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddAuthorization();
        var live = builder.Services.AddLiveState();
        if (dashboard)
        {
            live.AddDashboard();
        }

        return builder.Build();
    }

    private static IReadOnlyList<RouteEndpoint> Endpoints(WebApplication app) =>
        [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()];
}
