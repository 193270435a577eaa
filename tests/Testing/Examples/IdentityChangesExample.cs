using System.Security.Claims;
using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Your own identity resolver" and "Sign-in inside a tab".</summary>
public sealed class IdentityChangesExample
{
    [Fact]
    public void TeammatesShareOneWorkspace()
    {
        // snippet-begin: custom-resolver
        using var ctx = new BunitContext();
        ctx.AddLiveState().AddIdentityResolver<TeamResolver>();

        var alice = ctx.OpenCircuit(LiveTestPrincipal.User("alice", null, new Claim("team", "red"))).Render<TodoBoard>();
        var bob = ctx.OpenCircuit(LiveTestPrincipal.User("bob", null, new Claim("team", "red"))).Render<TodoBoard>();

        alice.Find("input.new-todo").Input("Plan the sprint");
        alice.Find("button.add").Click();

        bob.WaitForAssertion(() => Assert.Equal("Plan the sprint", bob.Find("li").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal("team:red", bob.Instance.State.GroupId);
        // snippet-end: custom-resolver
    }

    [Fact]
    public void SigningInMovesTheTabToTheUsersState()
    {
        // snippet-begin: sign-in
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        ctx.SetGroupState("user:alice", new TodoState().Add("From my phone"));

        var tab = ctx.OpenCircuit(LiveTestPrincipal.Anonymous("laptop"));
        var board = tab.Render<TodoBoard>();
        Assert.Empty(board.FindAll("li"));

        tab.ChangeUser(LiveTestPrincipal.User("alice", browserId: "laptop"));

        board.WaitForAssertion(() => Assert.Equal("From my phone", board.Find("li").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal("user:alice", tab.Identity.GroupId);
        // snippet-end: sign-in
    }
}
