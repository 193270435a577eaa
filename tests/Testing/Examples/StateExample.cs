using Bunit;
using LiveState.Blazor.Testing.Tests.Components;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Seed and read group state".</summary>
public sealed class StateExample
{
    [Fact]
    public void SeededTodosShowAndNewOnesAreStored()
    {
        // snippet-begin: seed-state
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = LiveTestIdentity.User("alice");
        ctx.SetGroupState(alice.GroupId, new TodoState().Add("Write the docs"));

        var board = ctx.RenderLive<TodoBoard>(alice);
        Assert.Equal("Write the docs", board.Find("li").TextContent);

        board.Find("input.new-todo").Input("Ship it");
        board.Find("button.add").Click();

        board.WaitForAssertion(
            () => Assert.Equal(["Write the docs", "Ship it"], ctx.GetGroupState<TodoState>(alice.GroupId).Items),
            TimeSpan.FromSeconds(5));
        // snippet-end: seed-state
    }

    [Fact]
    public void SeedingAGroupReRendersItsOpenTabs()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();

        // snippet-begin: seed-open-tab
        var board = ctx.RenderLive<TodoBoard>(LiveTestIdentity.Browser("laptop"));

        ctx.SetGroupState(LiveIdentity.BrowserGroup("laptop"), new TodoState().Add("Arrived from a job"));

        Assert.Equal("Arrived from a job", board.Find("li").TextContent);
        // snippet-end: seed-open-tab
    }
}
