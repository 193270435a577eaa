using Bunit;
using LiveState.Blazor.Testing.Tests.Components;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Assert what re-rendered": an update re-renders the slot's readers and nothing else.</summary>
public sealed class TargetedRenderExample
{
    [Fact]
    public async Task AClickOnTheCounterReRendersTheCountersOfTheGroupAndNotItsTodoLists()
    {
        // snippet-begin: targeted-render
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = LiveTestIdentity.User("alice");
        var laptop = ctx.OpenCircuit(alice);
        var phone = ctx.OpenCircuit(alice);
        var tablet = ctx.OpenCircuit(alice);
        var counter = laptop.Render<CounterButton>();
        phone.Render<CounterButton>();
        tablet.Render<TodoBoard>();                 // the same group, but it shows the todos, not the counter
        ctx.LiveBroadcasts().Clear();

        counter.Find("button.increment").Click();

        var update = await ctx.LiveBroadcasts().WaitForAsync(b => b.Kind == LiveBroadcastKind.SlotChanged && b.GroupId == "user:alice");
        Assert.Equal([laptop, phone], update.Rerendered);
        Assert.Equal(0, tablet.RerenderCount);
        Assert.Empty(ctx.LiveBroadcasts().OfKind(LiveBroadcastKind.Group));   // an update is not a broadcast
        // snippet-end: targeted-render
    }

    [Fact]
    public void ATabOpeningReRendersThePresenceReadersOfItsGroup()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = LiveTestIdentity.User("alice");
        var laptop = ctx.OpenCircuit(alice);
        laptop.Render<CounterButton>();
        var board = ctx.OpenCircuit(alice);
        board.Render<TodoBoard>();

        // snippet-begin: presence-changed
        ctx.LiveBroadcasts().Clear();
        var phone = ctx.OpenCircuit(alice);

        var opened = ctx.LiveBroadcasts().OfKind(LiveBroadcastKind.PresenceChanged).Single();
        Assert.Equal("user:alice", opened.GroupId);
        Assert.Equal([laptop], opened.Rerendered);   // the counter shows the tab count; the todo board does not
        // snippet-end: presence-changed

        Assert.False(opened.HasRerendered(phone));
    }
}
