using Bunit;
using LiveState.Blazor.Testing.Tests.Components;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Two tabs, two browsers, two users".</summary>
public sealed class TwoTabsExample
{
    [Fact]
    public void TwoTabsOfOneBrowserShareTodos()
    {
        // snippet-begin: two-tabs
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var laptop = LiveTestIdentity.Browser("laptop");

        var tabA = ctx.OpenCircuit(laptop).Render<TodoBoard>();
        var tabB = ctx.OpenCircuit(laptop).Render<TodoBoard>();

        tabA.Find("input.new-todo").Input("Buy milk");
        tabA.Find("button.add").Click();

        tabB.WaitForAssertion(() => Assert.Equal("Buy milk", tabB.Find("li").TextContent), TimeSpan.FromSeconds(5));
        // snippet-end: two-tabs
    }

    [Fact]
    public void AnotherBrowserAndAnotherUserSeeNothing()
    {
        // snippet-begin: isolation
        using var ctx = new BunitContext();
        ctx.AddLiveState();

        var laptop = ctx.RenderLive<TodoBoard>(LiveTestIdentity.Browser("laptop"));
        var phone = ctx.RenderLive<TodoBoard>(LiveTestIdentity.Browser("phone"));
        var alice = ctx.RenderLive<TodoBoard>(LiveTestIdentity.User("alice"));
        var bob = ctx.RenderLive<TodoBoard>(LiveTestIdentity.User("bob"));

        laptop.Find("input.new-todo").Input("Laptop only");
        laptop.Find("button.add").Click();
        alice.Find("input.new-todo").Input("Alice only");
        alice.Find("button.add").Click();

        laptop.WaitForAssertion(() => Assert.Equal("1 items", laptop.Find(".remaining").TextContent), TimeSpan.FromSeconds(5));
        alice.WaitForAssertion(() => Assert.Equal("1 items", alice.Find(".remaining").TextContent), TimeSpan.FromSeconds(5));
        Assert.Empty(phone.FindAll("li"));
        Assert.Empty(bob.FindAll("li"));
        // snippet-end: isolation
    }
}
