using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Broadcasting;

public sealed class BroadcasterTests : IDisposable
{
    private readonly LiveTestServer _server = new();
    private readonly TestCircuit<GroupProbe> _aliceLaptop;
    private readonly TestCircuit<GroupProbe> _alicePhone;
    private readonly TestCircuit<GroupProbe> _bob;
    private readonly TestCircuit<GroupProbe> _anonymous;
    private readonly TestCircuit<GroupProbe>[] _all;

    public BroadcasterTests()
    {
        // Presence re-renders would blur the counts; these tests count broadcasts only.
        _aliceLaptop = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"), "alice-laptop");
        _alicePhone = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"), "alice-phone");
        _bob = _server.Open<GroupProbe>(new LiveIdentity("user:bob", "bob", ["team:red"]), "bob");
        _anonymous = _server.Open<GroupProbe>(new LiveIdentity("browser:b1"), "anon");
        _all = [_aliceLaptop, _alicePhone, _bob, _anonymous];
    }

    public void Dispose() => _server.Dispose();

    private int[] RendersNow() => _all.Select(c => c.Component.Instance.Renders).ToArray();

    private async Task AssertRenderedExactlyAsync(int[] before, params TestCircuit<GroupProbe>[] expected)
    {
        foreach (var circuit in expected)
        {
            var index = Array.IndexOf(_all, circuit);
            await Wait.UntilAsync(() => circuit.Component.Instance.Renders > before[index], $"{circuit.Id} re-rendered");
        }

        // Nothing else may render: broadcast delivery has completed by the time the call returned.
        for (var i = 0; i < _all.Length; i++)
        {
            if (!expected.Contains(_all[i]))
            {
                Assert.Equal(before[i], _all[i].Component.Instance.Renders);
            }
        }
    }

    [Fact]
    public async Task ToGroupReachesEveryCircuitOfTheGroupOnly()
    {
        var before = RendersNow();

        var reached = await _server.Broadcaster.BroadcastToGroupAsync("user:alice");

        Assert.Equal(2, reached);
        await AssertRenderedExactlyAsync(before, _aliceLaptop, _alicePhone);
    }

    [Fact]
    public async Task ToGroupReachesMembersOfACustomGroup()
    {
        var before = RendersNow();

        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("team:red"));
        await AssertRenderedExactlyAsync(before, _bob);
    }

    [Fact]
    public async Task ToUsersReachesEveryTabAndDeviceOfThoseUsers()
    {
        var before = RendersNow();

        var reached = await _server.Broadcaster.BroadcastToUsersAsync(["alice", "bob", "alice", "nobody"]);

        Assert.Equal(3, reached);
        await AssertRenderedExactlyAsync(before, _aliceLaptop, _alicePhone, _bob);
    }

    [Fact]
    public async Task ToAllReachesEveryCircuit()
    {
        var before = RendersNow();

        Assert.Equal(4, await _server.Broadcaster.BroadcastToAllAsync());
        await AssertRenderedExactlyAsync(before, _all);
    }

    [Fact]
    public async Task ToCircuitReachesOneCircuit()
    {
        var before = RendersNow();

        Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("alice-phone"));
        Assert.Equal(0, await _server.Broadcaster.BroadcastToCircuitAsync("no-such-circuit"));
        await AssertRenderedExactlyAsync(before, _alicePhone);
    }

    [Fact]
    public async Task FilterSeesCircuitUserAndGroup()
    {
        var before = RendersNow();

        var reached = await _server.Broadcaster.BroadcastAsync(c => c.UserId is null || c.CircuitId == "alice-laptop");

        Assert.Equal(2, reached);
        await AssertRenderedExactlyAsync(before, _anonymous, _aliceLaptop);
    }

    [Fact]
    public async Task EveryFormCanLeaveOutTheSender()
    {
        var before = RendersNow();

        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:alice", exceptCircuitId: "alice-laptop"));
        Assert.Equal(3, await _server.Broadcaster.BroadcastToAllAsync(exceptCircuitId: "alice-laptop"));
        Assert.Equal(2, await _server.Broadcaster.BroadcastToUsersAsync(["alice", "bob"], exceptCircuitId: "alice-laptop"));
        Assert.Equal(1, await _server.Broadcaster.BroadcastAsync(c => c.UserId == "alice", exceptCircuitId: "alice-laptop"));

        Assert.Equal(before[0], _aliceLaptop.Component.Instance.Renders);
        await AssertRenderedExactlyAsync(before, _alicePhone, _bob, _anonymous);
    }

    [Fact]
    public async Task ArgumentsAreValidated()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToGroupAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToUsersAsync([null!]));
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await _server.Broadcaster.BroadcastToCircuitAsync(null!));
    }

    [Theory]
    [InlineData(RenderBehaviour.ThrowSynchronously)]
    [InlineData(RenderBehaviour.Fault)]
    [InlineData(RenderBehaviour.Disposed)]
    public async Task AFailingCircuitDoesNotStopDeliveryToTheOthers(RenderBehaviour mode)
    {
        var broken = _server.Registry.Register("broken", new LiveIdentity("user:alice", "alice"));
        var target = new FakeRenderTarget(mode);
        broken.AddTarget(target);
        var before = RendersNow();

        var reached = await _server.Broadcaster.BroadcastToGroupAsync("user:alice");

        Assert.Equal(2, reached);
        await AssertRenderedExactlyAsync(before, _aliceLaptop, _alicePhone);

        // The failure released the circuit: once it works again, it is reached again.
        target.Behaviour = RenderBehaviour.Render;
        Assert.Equal(3, await _server.Broadcaster.BroadcastToGroupAsync("user:alice"));
        Assert.Equal(1, target.Renders);
    }

    [Fact]
    public async Task AHangingCircuitDelaysOthersNoLongerThanTheTimeoutAndIsNotCounted()
    {
        // Its own host, on a clock moved by hand: time passes only when the test says so.
        var timeout = TimeSpan.FromSeconds(30);
        var time = new CountingTimeProvider();
        using var server = new LiveTestServer(
            o =>
            {
                o.DeliveryTimeout = timeout;
                o.BroadcastPresenceChanges = false;
            },
            s => s.AddSingleton<TimeProvider>(time));
        var alice = new LiveIdentity("user:alice", "alice");
        var first = new FakeRenderTarget();
        server.Registry.Register("laptop", alice).AddTarget(first);
        server.Registry.Register("hung", alice).AddTarget(new FakeRenderTarget(RenderBehaviour.Hang));
        var last = new FakeRenderTarget();
        server.Registry.Register("phone", alice).AddTarget(last);

        var broadcast = server.Broadcaster.BroadcastToGroupAsync("user:alice").AsTask();

        // The others, before and after it, render with no time passed at all: the hang delays no other circuit.
        await Wait.UntilAsync(() => first.Renders == 1 && last.Renders == 1, "the other circuits rendered");
        Assert.Equal(time.Start, time.GetUtcNow());

        // The caller waits for the hung one up to the timeout and no longer, and does not count it.
        await Wait.UntilAsync(() => time.Created == 1, "the broadcast waits for the hung circuit");
        time.Advance(timeout - TimeSpan.FromTicks(1));
        Assert.False(broadcast.IsCompleted);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(2, await broadcast.WaitAsync(Wait.Deadline));
    }

    [Fact]
    public async Task ACircuitClosedBeforeTheBroadcastIsSkipped()
    {
        _alicePhone.Close();
        var before = _aliceLaptop.Component.Instance.Renders;

        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:alice"));
        await Wait.UntilAsync(() => _aliceLaptop.Component.Instance.Renders > before, "the open tab rendered");
    }

    [Fact]
    public async Task ACircuitWhoseComponentsAreDisposedIsSkipped()
    {
        var phone = _server.Open<LiveProbe>(new LiveIdentity("user:carol", "carol"));
        var laptop = _server.Open<LiveProbe>(new LiveIdentity("user:carol", "carol"));

        // Components gone (renderer disposed) while the registry still lists the circuit.
        phone.Bunit.Dispose();

        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:carol"));
        Assert.True(laptop.Component.Instance.Renders > 1);
    }

    [Fact]
    public async Task BurstsToABusyCircuitCoalesceIntoOneRender()
    {
        var circuit = _server.Registry.Register("busy", new LiveIdentity("user:zed", "zed"));
        var target = new FakeRenderTarget(RenderBehaviour.Gated);
        circuit.AddTarget(target);

        var first = _server.Broadcaster.BroadcastToGroupAsync("user:zed").AsTask();
        await target.Queued.Task.WaitAsync(Wait.Deadline);
        for (var i = 0; i < 100; i++)
        {
            // The render is queued and has not started: each of these rides along with it.
            Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:zed"));
        }

        target.OpenGate();
        Assert.Equal(1, await first.WaitAsync(Wait.Deadline));
        Assert.Equal(1, target.Renders);

        // Once the render started, the next broadcast queues a new one.
        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync("user:zed"));
        Assert.Equal(2, target.Renders);
    }

    [Fact]
    public async Task ACircuitWithTwoRootComponentsRendersBoth()
    {
        var circuit = _server.Registry.Register("two-roots", new LiveIdentity("user:yan", "yan"));
        var first = new FakeRenderTarget();
        var second = new FakeRenderTarget();
        circuit.AddTarget(first);
        circuit.AddTarget(second);

        Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("two-roots"));

        Assert.Equal(1, first.Renders);
        Assert.Equal(1, second.Renders);
    }

    [Fact]
    public async Task CancellingStopsWaitingForSlowCircuits()
    {
        _server.Registry.Register("hung", new LiveIdentity("user:q", "q")).AddTarget(new FakeRenderTarget(RenderBehaviour.Hang));
        using var cts = new CancellationTokenSource();
        var broadcast = _server.Broadcaster.BroadcastToGroupAsync("user:q", cancellationToken: cts.Token).AsTask();

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => broadcast.WaitAsync(Wait.Deadline));
    }
}
