using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Broadcasting;

/// <summary>
/// What a broadcast to idle circuits costs besides their renders (issue 13): nothing allocated, no hand-off, no timer;
/// and renders still never see the sender's async locals, nor the sender theirs. Alone in their collection: metric and
/// span listeners of other tests would add telemetry to the broadcasts measured here.
/// </summary>
[Collection("HeavyConcurrencyTests")]
public sealed class BroadcastCostTests : IDisposable
{
    private static readonly AsyncLocal<string?> Sender = new();
    private readonly LiveTestServer _server = new(options => options.BroadcastPresenceChanges = false);

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task BroadcastsToIdleCircuitsAllocateNothing()
    {
        for (var i = 0; i < 3; i++)
        {
            _server.Registry.Register($"alice-{i}", new LiveIdentity("user:alice", "alice")).AddTarget(new FakeRenderTarget());
            _server.Registry.Register($"user-{i}", new LiveIdentity($"user:u{i}", $"u{i}")).AddTarget(new FakeRenderTarget());
        }

        string[] threeUsers = ["u0", "u1", "u2"];
        var broadcaster = _server.Broadcaster;
        async Task<long> AllocatedAsync(Func<ValueTask<int>> broadcast, int expected)
        {
            // Warm: first calls allocate what is cached for good (delegates, lookups).
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(expected, await broadcast());
            }

            // Counted, not asserted, inside the window: asserting allocates.
            var wrong = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                // Completed inline: awaiting it would not even yield.
                var reached = broadcast();
                if (!reached.IsCompletedSuccessfully || reached.Result != expected)
                {
                    wrong++;
                }
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, wrong);
            return allocated;
        }

        Assert.Equal(0, await AllocatedAsync(() => broadcaster.BroadcastToGroupAsync("user:alice"), 3));
        Assert.Equal(0, await AllocatedAsync(() => broadcaster.BroadcastToUsersAsync(threeUsers), 3));
        Assert.Equal(0, await AllocatedAsync(() => broadcaster.BroadcastToCircuitAsync("alice-1"), 1));
        Assert.Equal(0, await AllocatedAsync(() => broadcaster.BroadcastToAllAsync(), 6));
    }

    [Fact]
    public async Task RendersNeverSeeTheSendersAsyncLocalsNorEachOthersNorTheSenderTheirs()
    {
        // Inline renders (idle dispatchers) and renders handed to the pool (a busy one, released later).
        var seen = new List<string?>();
        var inline = new RecordingTarget(seen);
        var gated = new FakeRenderTarget(RenderBehaviour.Gated);
        var circuit = _server.Registry.Register("inline", new LiveIdentity("user:a", "a"));
        circuit.AddTarget(inline);
        _server.Registry.Register("busy", new LiveIdentity("user:a", "a")).AddTarget(gated);
        var afterGate = new RecordingTarget(seen);
        _server.Registry.FindCircuit("busy")!.AddTarget(afterGate);

        Sender.Value = "sender";
        var broadcast = _server.Broadcaster.BroadcastToGroupAsync("user:a").AsTask();
        await gated.Queued.Task.WaitAsync(Wait.Deadline);
        Assert.Equal("sender", Sender.Value);
        gated.OpenGate();
        Assert.Equal(2, await broadcast.WaitAsync(Wait.Deadline));

        Assert.Equal("sender", Sender.Value);
        Assert.Equal([null, null], seen);
    }

    /// <summary>Renders on the delivering thread, recording the sender's async local as it sees it, then setting its own.</summary>
    private sealed class RecordingTarget(List<string?> seen) : ILiveRenderTarget
    {
        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            lock (seen)
            {
                seen.Add(Sender.Value);
            }

            Sender.Value = "render";
            return Task.CompletedTask;
        }
    }
}
