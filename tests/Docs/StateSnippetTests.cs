using System.Net;
using Bunit;
using LiveState.Blazor.Docs.Infrastructure;
using LiveState.Blazor.Docs.Snippets;
using LiveState.Blazor.Docs.Snippets.Migrating.From01;
using LiveState.Blazor.Docs.Snippets.Slots;
using LiveState.Blazor.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs;

/// <summary>docs/state.md and the migration from LiveState 0.1: the components and slot types they show.</summary>
public sealed class StateSnippetTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_cascaded_state_is_shared_by_the_tabs_of_a_browser()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var laptop = LiveTestIdentity.Browser("laptop");
        var first = ctx.OpenCircuit(laptop).Render<ClicksFromTheCascade>();
        var second = ctx.OpenCircuit(laptop).Render<ClicksFromTheCascade>();
        var phone = ctx.RenderLive<ClicksFromTheCascade>(LiveTestIdentity.Browser("phone"));

        first.Find("[data-testid=click]").Click();

        second.WaitForAssertion(() => Assert.Equal("1", second.Find("[data-testid=clicks]").TextContent), Deadline);
        second.WaitForAssertion(() => Assert.Equal("2", second.Find("[data-testid=tabs]").TextContent), Deadline);
        Assert.Equal("0", phone.Find("[data-testid=clicks]").TextContent);
    }

    [Fact]
    public async Task A_subscription_by_hand_follows_the_slot_until_the_component_goes()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var laptop = LiveTestIdentity.Browser("laptop");
        var tab = ctx.OpenCircuit(laptop);
        var label = tab.Render<ClicksLabel>();
        var other = ctx.OpenCircuit(laptop);

        await other.State.MutateAsync<Clicks>(c => c.Count++);

        label.WaitForAssertion(() => Assert.Equal("1 clicks", label.Find("[data-testid=clicks-label]").TextContent), Deadline);
        var renders = tab.RerenderCount;

        await tab.Context.DisposeComponentsAsync();
        await other.State.MutateAsync<Clicks>(c => c.Count++);

        Assert.Equal(renders, tab.RerenderCount);
    }

    [Fact]
    public void A_live_circuit_enables_the_cart_button_and_a_click_reaches_every_tab()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = LiveTestIdentity.User("alice");
        var laptop = ctx.RenderLive<CartSummary>(alice);
        var phone = ctx.RenderLive<CartSummary>(alice);

        Assert.False(laptop.Find("button").HasAttribute("disabled"));
        laptop.Find("button").Click();

        phone.WaitForAssertion(() => Assert.Equal("1 items in the cart", phone.Find("[data-testid=cart]").TextContent), Deadline);
    }

    [Fact]
    public async Task A_prerendered_cart_shows_the_groups_state_with_the_button_disabled()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var app = GettingStarted.Build(DocsApp.NewBuilder());
        ClickEndpoints.Map(app);
        await app.StartAsync(timeout.Token);
        using var browser = DocsApp.Client(app);
        using (await browser.SendAsync(DocsApp.Page("/"), timeout.Token))
        {
        }

        var identity = await ResolveBrowserAsync(app, browser, timeout.Token);
        await app.Services.GetRequiredService<ISessionGroupStateService>()
            .ReplaceAsync<Cart>(identity, cart => cart with { Items = cart.Items.Add("tea").Add("cake") }, timeout.Token);

        using var page = await browser.SendAsync(DocsApp.Page("/cart"), timeout.Token);
        var body = await page.Content.ReadAsStringAsync(timeout.Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<p data-testid=\"cart\">2 items in the cart</p>", body, StringComparison.Ordinal);
        Assert.Contains("<button disabled", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slot_type_that_would_lose_data_is_refused_with_the_message_the_guide_shows()
    {
        using var services = NewServices();
        var groups = services.GetRequiredService<ISessionGroupStateService>();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => groups.MutateAsync<Basket>("browser:x", b => b.Items.Add("tea")));

        Assert.Contains("Basket.Items", refused.Message, StringComparison.Ordinal);
        var guide = File.ReadAllText(Path.Combine(DocumentationTests.RepositoryRoot, "docs", "state.md"));
        Assert.Contains(refused.Message.ReplaceLineEndings("\n"), guide, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fixed_slot_types_keep_every_item()
    {
        using var services = NewServices();
        var groups = services.GetRequiredService<ISessionGroupStateService>();

        foreach (var item in new[] { "tea", "cake", "jam" })
        {
            await groups.MutateAsync<BasketWithSetter>("browser:x", b => b.Items.Add(item));
            await groups.ReplaceAsync<BasketRecord>("browser:x", b => b with { Items = b.Items.Add(item) });
        }

        Assert.Equal(["tea", "cake", "jam"], groups.Get<BasketWithSetter>("browser:x").Items);
        Assert.Equal(["tea", "cake", "jam"], groups.Get<BasketRecord>("browser:x").Items);
    }

    [Fact]
    public void Code_written_for_LiveState_0_1_still_works_and_its_replacement_does_the_same()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var laptop = LiveTestIdentity.Browser("laptop");
        var before = ctx.OpenCircuit(laptop).Render<CounterBefore>();
        var after = ctx.OpenCircuit(laptop).Render<CounterAfter>();

        before.Find("button").Click();
        after.WaitForAssertion(() => Assert.Equal("1", after.Find("[data-testid=clicks]").TextContent), Deadline);
        after.Find("button").Click();
        before.WaitForAssertion(() => Assert.Equal("2", before.Find("[data-testid=clicks]").TextContent), Deadline);
    }

    [Fact]
    public async Task A_component_reading_another_group_by_id_must_watch_it_now()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var tab = ctx.OpenCircuit(LiveTestIdentity.User("alice", "team:red"));
        var before = tab.Render<TeamBefore>();
        var after = tab.Render<TeamAfter>();

        await ctx.Services.GetRequiredService<ISessionGroupStateService>()
            .ReplaceAsync<Reports>("team:red", r => r with { Ready = r.Ready.Add("q1.pdf") });

        after.WaitForAssertion(() => Assert.Equal("1 reports", after.Find("[data-testid=reports]").TextContent), Deadline);
        Assert.Equal("0 reports", before.Find("[data-testid=reports]").TextContent);
    }

    private static ServiceProvider NewServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLiveState();
        return services.BuildServiceProvider();
    }

    /// <summary>The browser's group, as the guide's endpoint resolves it: the count it returns proves which group it is.</summary>
    private static async Task<string> ResolveBrowserAsync(Microsoft.AspNetCore.Builder.WebApplication app, HttpClient browser, CancellationToken cancellationToken)
    {
        using var response = await browser.PostAsync(new Uri("/api/clicks", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
        await foreach (var group in app.Services.GetRequiredService<ISessionGroupStateService>().ListGroupsAsync(cancellationToken))
        {
            return group;
        }

        throw new InvalidOperationException("The endpoint stored nothing.");
    }
}
