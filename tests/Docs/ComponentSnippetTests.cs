using Bunit;
using LiveState.Blazor.Docs.Snippets;
using LiveState.Blazor.Docs.Snippets.Migrating;
using LiveState.Blazor.Testing;

namespace LiveState.Blazor.Docs;

/// <summary>The guides' components, rendered in simulated tabs against LiveState's real registry, store and broadcaster.</summary>
public sealed class ComponentSnippetTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void Shared_counter_counts_for_every_tab_of_the_browser_and_only_for_it()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var laptop = LiveTestIdentity.Browser("laptop");
        var first = ctx.OpenCircuit(laptop).Render<SharedCounter>();
        var second = ctx.OpenCircuit(laptop).Render<SharedCounter>();
        var other = ctx.RenderLive<SharedCounter>(LiveTestIdentity.Browser("phone"));

        first.Find("button").Click();
        second.Find("button").Click();

        first.WaitForAssertion(() => Assert.Equal("2", first.Find("[data-testid=clicks]").TextContent), Deadline);
        second.WaitForAssertion(() => Assert.Equal("2", second.Find("[data-testid=clicks]").TextContent), Deadline);
        second.WaitForAssertion(() => Assert.Equal("2", second.Find("[data-testid=tabs]").TextContent), Deadline);
        Assert.Equal("0", other.Find("[data-testid=clicks]").TextContent);
        Assert.Equal("1", other.Find("[data-testid=tabs]").TextContent);
    }

    [Fact]
    public void Migrated_cart_follows_the_user_to_another_device()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var laptop = ctx.RenderLive<CartAfter>(LiveTestIdentity.User("alice"));
        var phone = ctx.RenderLive<CartAfter>(LiveTestIdentity.User("alice"));
        var bob = ctx.RenderLive<CartAfter>(LiveTestIdentity.User("bob"));

        laptop.Find("button").Click();

        phone.WaitForAssertion(() => Assert.Contains("1 items in the cart", phone.Markup, StringComparison.Ordinal), Deadline);
        Assert.Contains("0 items in the cart", bob.Markup, StringComparison.Ordinal);
        Assert.Equal(["tea"], ctx.GetGroupState<Cart>(LiveIdentity.UserGroup("alice")).Items);
    }

    [Fact]
    public async Task Migrated_chat_reaches_every_tab_of_every_user()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = ctx.RenderLive<ChatAfter>(LiveTestIdentity.User("alice"));
        var bob = ctx.RenderLive<ChatAfter>(LiveTestIdentity.User("bob"));
        var visitor = ctx.RenderLive<ChatAfter>(LiveTestIdentity.Browser("visitor"));

        alice.Find("button").Click();

        // No broadcast: the update re-renders every component watching the chat's group, in every circuit.
        var update = await ctx.LiveBroadcasts().WaitForAsync(b => b.Kind == LiveBroadcastKind.SlotChanged && b.GroupId == ChatLog.GroupId, Deadline);
        Assert.Equal(3, update.ReachedCount);
        bob.WaitForAssertion(() => Assert.Equal("hello", bob.Find("p").TextContent), Deadline);
        visitor.WaitForAssertion(() => Assert.Equal("hello", visitor.Find("p").TextContent), Deadline);
        Assert.Empty(ctx.LiveBroadcasts().OfKind(LiveBroadcastKind.All));
    }

    [Fact]
    public void Who_is_online_follows_users_opening_and_closing_tabs()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var panel = ctx.RenderLive<WhoIsOnline>(LiveTestIdentity.User("admin"));
        panel.WaitForAssertion(() => Assert.Equal(["admin (1 tabs)"], panel.FindAll("li").Select(li => li.TextContent)), Deadline);

        var bobLaptop = ctx.OpenCircuit(LiveTestIdentity.User("bob"));
        var bobPhone = ctx.OpenCircuit(LiveTestIdentity.User("bob"));
        ctx.OpenCircuit(LiveTestIdentity.Browser("anonymous"));

        panel.WaitForAssertion(() => Assert.Equal(["admin (1 tabs)", "bob (2 tabs)"], panel.FindAll("li").Select(li => li.TextContent)), Deadline);

        bobLaptop.Close();
        bobPhone.Close();

        panel.WaitForAssertion(() => Assert.Equal(["admin (1 tabs)"], panel.FindAll("li").Select(li => li.TextContent)), Deadline);
    }
}
