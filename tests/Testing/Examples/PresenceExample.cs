using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Examples;

/// <summary>docs/testing.md, "Presence".</summary>
public sealed class PresenceExample
{
    [Fact]
    public void OpeningAndClosingATabUpdatesTheCount()
    {
        // snippet-begin: presence
        using var ctx = new BunitContext();
        ctx.AddLiveState();
        var alice = LiveTestIdentity.User("alice");
        var registry = ctx.Services.GetRequiredService<ILiveCircuitRegistry>();

        var counter = ctx.RenderLive<CounterButton>(alice);
        var phone = ctx.OpenCircuit(alice);

        counter.WaitForAssertion(() => Assert.Equal("2", counter.Find(".tabs").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal(2, registry.CountUser("alice"));

        phone.Close();

        counter.WaitForAssertion(() => Assert.Equal("1", counter.Find(".tabs").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal(1, registry.CountUser("alice"));
        // snippet-end: presence
    }
}
