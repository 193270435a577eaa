using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Assert what a broadcast reached".</summary>
public sealed class BroadcastExample
{
    [Fact]
    public async Task ANoticeForAliceReachesHerTwoTabsAndNotBobs()
    {
        // snippet-begin: broadcast-to-user
        using var ctx = new BunitContext();
        ctx.Services.AddSingleton<Notices>();   // the app's service that calls ILiveBroadcaster
        ctx.AddLiveState();

        var aliceLaptop = ctx.OpenCircuit(LiveTestIdentity.User("alice"));
        var alicePhone = ctx.OpenCircuit(LiveTestIdentity.User("alice"));
        var bobLaptop = ctx.OpenCircuit(LiveTestIdentity.User("bob"));
        var laptopBanner = aliceLaptop.Render<NoticeBanner>();
        var phoneBanner = alicePhone.Render<NoticeBanner>();
        var bobBanner = bobLaptop.Render<NoticeBanner>();
        ctx.LiveBroadcasts().Clear();

        await ctx.Services.GetRequiredService<Notices>().SendAsync("alice", "Deploy at five");

        var sent = ctx.LiveBroadcasts().OfKind(LiveBroadcastKind.Users).Single();
        Assert.Equal(["alice"], sent.UserIds);
        Assert.Equal(2, sent.ReachedCount);
        Assert.Equal([aliceLaptop, alicePhone], sent.Rerendered);
        Assert.False(sent.HasRerendered(bobLaptop));
        Assert.Equal("Deploy at five", laptopBanner.Find(".notice").TextContent);
        Assert.Equal("Deploy at five", phoneBanner.Find(".notice").TextContent);
        Assert.Equal("none", bobBanner.Find(".notice").TextContent);
        // snippet-end: broadcast-to-user
    }

    [Fact]
    public async Task AClickReRendersTheCountersOfTheGroupsOtherTabs()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = LiveTestIdentity.User("alice");
        var laptop = ctx.OpenCircuit(alice);
        var phone = ctx.OpenCircuit(alice);
        var counter = laptop.Render<CounterButton>();
        phone.Render<CounterButton>();

        // snippet-begin: wait-for-broadcast
        ctx.LiveBroadcasts().Clear();
        counter.Find("button.increment").Click();

        var update = await ctx.LiveBroadcasts().WaitForAsync(b => b.Kind == LiveBroadcastKind.SlotChanged && b.GroupId == "user:alice");
        Assert.Equal(2, update.ReachedCount);
        Assert.True(update.HasRerendered(phone));
        // snippet-end: wait-for-broadcast
    }
}
