using Bunit;
using LiveState.Blazor.Testing.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Testing.Tests.Broadcasts;

public sealed class LiveBroadcastLogTests : IDisposable
{
    private readonly BunitContext _ctx = new();
    private readonly LiveTestCircuit _aliceLaptop;
    private readonly LiveTestCircuit _alicePhone;
    private readonly LiveTestCircuit _bob;

    public LiveBroadcastLogTests()
    {
        _ctx.AddLiveState();
        _aliceLaptop = _ctx.OpenCircuit(LiveTestIdentity.User("alice", "team:red"));
        _alicePhone = _ctx.OpenCircuit(LiveTestIdentity.User("alice", "team:red"));
        _bob = _ctx.OpenCircuit(LiveTestIdentity.User("bob"));
        _aliceLaptop.Render<CounterButton>();
        _alicePhone.Render<CounterButton>();
        _bob.Render<CounterButton>();
        Log.Clear();
    }

    public void Dispose() => _ctx.Dispose();

    private LiveBroadcastLog Log => _ctx.LiveBroadcasts();

    private ILiveBroadcaster Broadcaster => _ctx.Services.GetRequiredService<ILiveBroadcaster>();

    [Fact]
    public async Task ABroadcastToUsersIsRecordedWithItsTargetAndTheTabsItReRendered()
    {
        var reached = await Broadcaster.BroadcastToUsersAsync(["bob", "carol"]);

        var broadcast = Assert.Single(Log.Broadcasts);
        Assert.Equal(LiveBroadcastKind.Users, broadcast.Kind);
        Assert.Equal(["bob", "carol"], broadcast.UserIds);
        Assert.Null(broadcast.GroupId);
        Assert.Equal(1, reached);
        Assert.Equal(1, broadcast.ReachedCount);
        Assert.Equal([_bob], broadcast.Rerendered);
        Assert.Equal(1, _bob.RerenderCount);
        Assert.Equal(0, _aliceLaptop.RerenderCount);
    }

    [Fact]
    public async Task ABroadcastToAGroupLeavesOutTheExceptedCircuit()
    {
        await Broadcaster.BroadcastToGroupAsync("team:red", exceptCircuitId: _aliceLaptop.Id);

        var broadcast = Assert.Single(Log.Broadcasts);
        Assert.Equal(LiveBroadcastKind.Group, broadcast.Kind);
        Assert.Equal("team:red", broadcast.GroupId);
        Assert.Equal(_aliceLaptop.Id, broadcast.ExceptCircuitId);
        Assert.Equal(1, broadcast.ReachedCount);
        Assert.Equal([_alicePhone], broadcast.Rerendered);
        Assert.False(broadcast.HasRerendered(_aliceLaptop));
    }

    [Fact]
    public async Task EveryKindOfBroadcastIsRecorded()
    {
        await Broadcaster.BroadcastToAllAsync();
        await Broadcaster.BroadcastAsync(c => c.UserId == "bob");
        await Broadcaster.BroadcastToCircuitAsync(_alicePhone.Id);

        var (all, filter, circuit) = (Log.Broadcasts[0], Log.Broadcasts[1], Log.Broadcasts[2]);
        Assert.Equal(3, Log.Broadcasts.Count);
        Assert.Equal((LiveBroadcastKind.All, 3), (all.Kind, all.ReachedCount));
        Assert.Equal([_aliceLaptop, _alicePhone, _bob], all.Rerendered);
        Assert.Equal((LiveBroadcastKind.Filter, 1), (filter.Kind, filter.ReachedCount));
        Assert.Equal([_bob], filter.Rerendered);
        Assert.Equal((LiveBroadcastKind.Circuit, _alicePhone.Id, 1), (circuit.Kind, circuit.CircuitId, circuit.ReachedCount));
        Assert.Equal([_alicePhone], circuit.Rerendered);
        Assert.Single(Log.OfKind(LiveBroadcastKind.Filter));
    }

    [Fact]
    public void StateUpdatesAndPresenceChangesAreRecordedToo()
    {
        _ctx.SetGroupState("user:alice", new CounterState { Count = 2 });
        var tablet = _ctx.OpenCircuit(LiveTestIdentity.User("bob"));

        Assert.Equal(2, Log.Broadcasts.Count);
        var update = Log.Broadcasts[0];
        Assert.Equal((LiveBroadcastKind.SlotChanged, "user:alice", typeof(CounterState).FullName, 2), (update.Kind, update.GroupId, update.SlotKey, update.ReachedCount));
        Assert.Equal([_aliceLaptop, _alicePhone], update.Rerendered);
        var presence = Log.Broadcasts[1];
        Assert.Equal((LiveBroadcastKind.PresenceChanged, "user:bob"), (presence.Kind, presence.GroupId));

        // The new tablet renders nothing yet; bob's other tab shows the tab count.
        Assert.Equal([_bob], presence.Rerendered);
        Assert.DoesNotContain(tablet, presence.Rerendered);
    }

    [Fact]
    public async Task WaitForReturnsABroadcastAlreadyRecorded()
    {
        await Broadcaster.BroadcastToCircuitAsync(_bob.Id);

        var found = await Log.WaitForAsync(b => b.CircuitId == _bob.Id, TimeSpan.FromMilliseconds(1));

        Assert.Same(Log.Broadcasts[0], found);
    }

    [Fact]
    public async Task WaitForWaitsForABroadcastSentLater()
    {
        var waiting = Log.WaitForAsync(b => b.Kind == LiveBroadcastKind.Users, Deadline.Render);
        Assert.False(waiting.IsCompleted);

        _ = Task.Run(async () => await Broadcaster.BroadcastToUsersAsync(["alice"]));

        var found = await waiting;
        Assert.Equal(2, found.ReachedCount);
    }

    [Fact]
    public async Task WaitForFailsWithTheRecordedBroadcastsWhenNoneMatches()
    {
        await Broadcaster.BroadcastToCircuitAsync(_bob.Id);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => Log.WaitForAsync(b => b.Kind == LiveBroadcastKind.All, TimeSpan.FromMilliseconds(50)));

        Assert.Contains($"circuit {_bob.Id}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClearForgetsWhatWasRecorded()
    {
        await Broadcaster.BroadcastToAllAsync();

        Log.Clear();

        Assert.Empty(Log.Broadcasts);
    }
}
