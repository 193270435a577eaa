using Bunit;
using LiveState.Blazor.Testing.Tests.Components;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Render as an identity".</summary>
public sealed class RenderAsIdentityExample
{
    [Fact]
    public void RendersAsASignedInUser()
    {
        // snippet-begin: render-as-user
        using var ctx = new BunitContext();
        ctx.AddLiveState();

        var counter = ctx.RenderLive<CounterButton>(LiveTestIdentity.User("alice"));

        Assert.Equal("alice", counter.Find(".who").TextContent);
        Assert.Equal("user:alice", counter.Instance.State.GroupId);
        // snippet-end: render-as-user
    }

    [Fact]
    public void RendersAsAnAnonymousBrowserAndACustomGroup()
    {
        using var ctx = new BunitContext();
        ctx.AddLiveState();

        // snippet-begin: identities
        var browser = LiveTestIdentity.Browser("laptop");             // anonymous: group LiveIdentity.BrowserGroup("laptop")
        var user = LiveTestIdentity.User("alice");                    // signed in: group "user:alice"
        var member = LiveTestIdentity.User("bob", "team:red");        // also in the group "team:red"
        var team = new LiveIdentity("team:red", "carol");             // a custom group, as a custom resolver returns

        var counter = ctx.RenderLive<CounterButton>(team, p => p.Add(c => c.Label, "Add one"));
        // snippet-end: identities

        Assert.Equal(LiveIdentity.BrowserGroup("laptop"), ctx.RenderLive<CounterButton>(browser).Instance.State.GroupId);
        Assert.Equal("anonymous", ctx.RenderLive<CounterButton>(browser).Find(".who").TextContent);
        Assert.Equal("user:alice", ctx.RenderLive<CounterButton>(user).Instance.State.GroupId);
        Assert.True(ctx.RenderLive<CounterButton>(member).Instance.State.Identity.BelongsTo("team:red"));
        Assert.Equal("team:red", counter.Instance.State.GroupId);
        Assert.Equal("Add one", counter.Find("button.increment").TextContent);
    }
}
