using Bunit;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.State;

public sealed class SessionGroupStateTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task UpdateInOneTabRendersInTheOtherTabsOfTheGroup()
    {
        var tab1 = _server.Open<GroupProbe>(new LiveIdentity("browser:b1"));
        var tab2 = _server.Open<GroupProbe>(new LiveIdentity("browser:b1"));

        await tab1.State.MutateAsync<Counter>(c => c.Value = 41);

        tab2.Component.WaitForAssertion(() => Assert.Equal("41", tab2.Component.Find(".value").TextContent), Wait.Deadline);
        tab1.Component.WaitForAssertion(() => Assert.Equal("41", tab1.Component.Find(".value").TextContent), Wait.Deadline);
    }

    [Fact]
    public async Task TwoGroupsNeverShare()
    {
        var alice = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"));
        var bob = _server.Open<GroupProbe>(new LiveIdentity("user:bob", "bob"));
        var bobRenders = bob.Component.Instance.Renders;

        await alice.State.MutateAsync<Counter>(c => c.Value = 7);

        alice.Component.WaitForAssertion(() => Assert.Equal("7", alice.Component.Find(".value").TextContent), Wait.Deadline);
        Assert.Equal(0, bob.State.Get<Counter>().Value);
        Assert.Equal("0", bob.Component.Find(".value").TextContent);
        Assert.Equal(bobRenders, bob.Component.Instance.Renders);
    }

    [Fact]
    public async Task SnapshotsAreNotChangedByLaterUpdates()
    {
        await _server.States.MutateAsync<Counter>("g", c => c.Value = 1);
        var before = _server.States.Get<Counter>("g");

        await _server.States.MutateAsync<Counter>("g", c => c.Value = 2);

        Assert.Equal(1, before.Value);
        Assert.Equal(2, _server.States.Get<Counter>("g").Value);
    }

    [Fact]
    public async Task AnUpdateThatThrowsChangesNothing()
    {
        await _server.States.MutateAsync<Counter>("g", c => c.Value = 5);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _server.States.MutateAsync<Counter>("g", (Action<Counter>)(c =>
            {
                c.Value = 999;
                throw new InvalidOperationException("validation failed");
            })));

        Assert.Equal(5, _server.States.Get<Counter>("g").Value);
        Assert.Equal(1, (await _server.Store.GetAsync<Counter>("g", typeof(Counter).FullName!))!.Version);
    }

    [Fact]
    public async Task ServerCodeOutsideACircuitUpdatesAGroupAndItsCircuitsRender()
    {
        var tab = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"));
        var other = _server.Open<GroupProbe>(new LiveIdentity("user:bob", "bob"));
        var otherRenders = other.Component.Instance.Renders;

        var result = await _server.States.MutateAsync<Counter>("user:alice", c => c.Value += 3);

        Assert.Equal(3, result.Value);
        Assert.Equal(3, (await _server.States.GetAsync<Counter>("user:alice")).Value);
        tab.Component.WaitForAssertion(() => Assert.Equal("3", tab.Component.Find(".value").TextContent), Wait.Deadline);
        Assert.Equal(otherRenders, other.Component.Instance.Renders);
    }

    [Fact]
    public async Task DeletingAGroupClearsItsStateAndRendersItsCircuits()
    {
        var tab = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"));
        await tab.State.MutateAsync<Counter>(c => c.Value = 9);
        tab.Component.WaitForAssertion(() => Assert.Equal("9", tab.Component.Find(".value").TextContent), Wait.Deadline);

        Assert.True(await _server.States.DeleteAsync("user:alice"));

        tab.Component.WaitForAssertion(() => Assert.Equal("0", tab.Component.Find(".value").TextContent), Wait.Deadline);
        Assert.False(await _server.States.DeleteAsync("user:alice"));
    }

    [Fact]
    public async Task ListGroupsShowsGroupsWithStateOnly()
    {
        _ = _server.States.Get<Counter>("read-only");
        await _server.States.MutateAsync<Counter>("written", c => c.Value = 1);

        var groups = new List<string>();
        await foreach (var group in _server.States.ListGroupsAsync())
        {
            groups.Add(group);
        }

        Assert.Equal(["written"], groups);
    }

    [Fact]
    public async Task SlotsAreKeyedByTypeOrByTheirDeclaredName()
    {
        await _server.States.MutateAsync<NamedSlot>("g", s => s.Text = "hi");
        await _server.States.MutateAsync<Counter>("g", c => c.Value = 2);

        Assert.NotNull(await _server.Store.GetAsync<NamedSlot>("g", "todo-list"));
        Assert.NotNull(await _server.Store.GetAsync<Counter>("g", typeof(Counter).FullName!));
        Assert.Equal("hi", _server.States.Get<NamedSlot>("g").Text);
        Assert.Throws<ArgumentException>(() => new SessionGroupSlotAttribute("bad key!"));
    }

    [Fact]
    public async Task StoreVersionsIncreaseByOne()
    {
        var first = await _server.Store.UpdateAsync<Counter>("g", "k", c => new Counter { Value = (c?.Value ?? 0) + 1 });
        var second = await _server.Store.UpdateAsync<Counter>("g", "k", c => new Counter { Value = c!.Value + 1 });

        Assert.Equal((1, 1), (first.Version, first.Value.Value));
        Assert.Equal((2, 2), (second.Version, second.Value.Value));
    }

    [Fact]
    public async Task ReadingASlotAsAnotherTypeIsAClearError()
    {
        await _server.Store.UpdateAsync<Counter>("g", "k", _ => new Counter());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await _server.Store.GetAsync<NamedSlot>("g", "k"));
        Assert.Contains("Counter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicEdgesValidateArguments()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await _server.States.MutateAsync<Counter>("", c => c.Value++));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.States.MutateAsync<Counter>("g", (Action<Counter>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.States.MutateAsync<Counter>(null!, c => c.Value++));
        Assert.ThrowsAny<ArgumentException>(() => _server.States.Get<Counter>(null!));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await _server.Store.UpdateAsync<Counter>("g", "k", _ => null!));
    }

    [Fact]
    public void PresenceOfTheGroupIsVisibleToItsCircuits()
    {
        var tab1 = _server.Open<GroupProbe>(new LiveIdentity("browser:p"));
        var tab2 = _server.Open<GroupProbe>(new LiveIdentity("browser:p"));
        _ = _server.Open<GroupProbe>(new LiveIdentity("browser:q"));

        Assert.Equal(2, tab1.State.CircuitCount);
        Assert.Equal([tab1.Id, tab2.Id], tab1.State.Circuits.Select(c => c.CircuitId).Order());
        Assert.True(tab1.State.IsLive);
        Assert.Equal(tab1.Id, tab1.State.CircuitId);

        tab2.Close();

        Assert.Equal(1, tab1.State.CircuitCount);
    }
}
