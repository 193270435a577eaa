using Bunit;
using LiveState.Blazor.Testing.Tests.Components.RenderCounts;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Rendering;

/// <summary>
/// What re-renders on what, counted component by component on the page issue 11 names: a layout, a nav menu, three
/// readers of slot A, three of slot B, a presence badge and twenty plain components, in several tabs of two groups.
/// </summary>
public sealed class RenderCountTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly BunitContext _ctx = new();
    private readonly LiveIdentity _alice = LiveTestIdentity.User("alice");
    private readonly LiveIdentity _bob = LiveTestIdentity.User("bob");

    public RenderCountTests()
    {
        _ctx.Services.AddScoped<RenderLog>();
        _ctx.AddLiveState();
    }

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public async Task AnUpdateOfSlotAReRendersExactlyTheReadersOfAInEveryTabOfTheGroup()
    {
        var alice = Tabs<RenderCountPage>(_alice, 3);
        var bob = Tabs<RenderCountPage>(_bob, 1);
        ClearAll();

        await alice[0].Circuit.State.MutateAsync<SlotA>(a => a.Value++);

        foreach (var tab in alice)
        {
            tab.Page.WaitForAssertion(() => Assert.Equal(Expected(("a", 3)), tab.Log.Renders), Deadline);
        }

        // Fenced: bob's own update arrives in his tab, and only then is it checked for anything of alice's.
        await bob[0].Circuit.State.MutateAsync<SlotB>(b => b.Value++);
        bob[0].Page.WaitForAssertion(() => Assert.Equal(Expected(("b", 3)), bob[0].Log.Renders), Deadline);
        Assert.All(alice, tab => Assert.Equal(Expected(("a", 3)), tab.Log.Renders));
    }

    [Fact]
    public void ATabOpeningReRendersOnlyThePresenceBadgeOfTheGroupsOtherTabs()
    {
        var alice = Tabs<RenderCountPage>(_alice, 2);
        var bob = Tabs<RenderCountPage>(_bob, 1);
        ClearAll();

        _ctx.OpenCircuit(_alice);

        foreach (var tab in alice)
        {
            tab.Page.WaitForAssertion(() => Assert.Equal(Expected(("badge", 1)), tab.Log.Renders), Deadline);
            Assert.Equal("3", tab.Page.Find(".tabs").TextContent);
        }

        Assert.Empty(bob[0].Log.Renders);
    }

    [Fact]
    public async Task ABroadcastToTheGroupReRendersEveryLiveComponentOfItsTabs()
    {
        var alice = Tabs<RenderCountPage>(_alice, 2);
        var bob = Tabs<RenderCountPage>(_bob, 1);
        ClearAll();

        var reached = await _ctx.Services.GetRequiredService<ILiveBroadcaster>().BroadcastToGroupAsync(_alice.GroupId);

        Assert.Equal(2, reached);
        foreach (var tab in alice)
        {
            tab.Page.WaitForAssertion(() => Assert.Equal(Expected(("a", 3), ("b", 3), ("badge", 1)), tab.Log.Renders), Deadline);
        }

        Assert.Empty(bob[0].Log.Renders);
    }

    [Fact]
    public async Task TheCountsHoldAfterATabLosesItsConnectionAndGetsItBack()
    {
        var alice = Tabs<RenderCountPage>(_alice, 2);
        alice[1].Circuit.Disconnect();
        alice[1].Circuit.Reconnect();
        ClearAll();

        await alice[1].Circuit.State.MutateAsync<SlotA>(a => a.Value++);

        foreach (var tab in alice)
        {
            tab.Page.WaitForAssertion(() => Assert.Equal(Expected(("a", 3)), tab.Log.Renders), Deadline);
            Assert.Equal("1", tab.Page.FindAll(".a")[2].TextContent);
        }
    }

    [Fact]
    public async Task AComponentReadingThroughTheCascadeReRendersForTheSlotsItReadAndNotForOthers()
    {
        var alice = Tabs<CascadePage>(_alice, 2);
        ClearAll();

        await alice[0].Circuit.State.MutateAsync<SlotB>(b => b.Value++);
        foreach (var tab in alice)
        {
            tab.Page.WaitForAssertion(() => Assert.Equal(Expected(("b", 1)), tab.Log.Renders), Deadline);
        }

        ClearAll();
        await alice[0].Circuit.State.MutateAsync<SlotA>(a => a.Value++);
        foreach (var tab in alice)
        {
            tab.Page.WaitForAssertion(() => Assert.Equal(Expected(("cascade-a", 1)), tab.Log.Renders), Deadline);
            Assert.Equal("1", tab.Page.Find(".cascade-a").TextContent);
        }
    }

    private List<(LiveTestCircuit Circuit, IRenderedComponent<TPage> Page, RenderLog Log)> Tabs<TPage>(LiveIdentity identity, int count)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var tabs = new List<(LiveTestCircuit, IRenderedComponent<TPage>, RenderLog)>();
        for (var i = 0; i < count; i++)
        {
            var circuit = _ctx.OpenCircuit(identity);
            var page = circuit.Render<TPage>();
            tabs.Add((circuit, page, circuit.Context.Services.GetRequiredService<RenderLog>()));
        }

        return tabs;
    }

    private void ClearAll()
    {
        foreach (var circuit in _ctx.LiveCircuits())
        {
            circuit.Context.Services.GetRequiredService<RenderLog>().Clear();
        }
    }

    private static SortedDictionary<string, int> Expected(params (string Kind, int Renders)[] renders) =>
        new(renders.ToDictionary(r => r.Kind, r => r.Renders), StringComparer.Ordinal);
}
