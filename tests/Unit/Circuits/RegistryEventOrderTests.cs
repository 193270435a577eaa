using System.Collections.Concurrent;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Circuits;

/// <summary>
/// The registry's events for one circuit come in the order its changes happened (issue 14, item 7: "Closed" raised
/// before "Moved" left ghost circuits on other servers): Opened first, Closed last, nothing after Closed.
/// </summary>
public sealed class RegistryEventOrderTests
{
    private static readonly LiveIdentity Anonymous = new("browser:b1");
    private static readonly LiveIdentity Alice = new("user:alice", "alice");

    [Fact]
    public async Task ACircuitClosedWhileItsMoveIsStillBeingReportedIsReportedClosedAfterTheMove()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        registry.Register("c1", Anonymous);
        var moveReported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closeReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new ConcurrentQueue<LiveCircuitChangeKind>();

        // A first handler that is slow to hear of the move (as a busy subscriber is), a second that records.
        registry.Changed += (_, e) =>
        {
            if (e.Kind == LiveCircuitChangeKind.Moved)
            {
                moveReported.TrySetResult();
                closeReturned.Task.Wait(Wait.Deadline);
            }
        };
        registry.Changed += (_, e) => seen.Enqueue(e.Kind);

        var move = Task.Run(() => registry.Move("c1", Alice));
        await moveReported.Task.WaitAsync(Wait.Deadline);

        // The circuit closes while its move is still being reported.
        Assert.NotNull(await Task.Run(() => registry.Unregister("c1")).WaitAsync(Wait.Deadline));
        closeReturned.SetResult();
        Assert.NotNull(await move.WaitAsync(Wait.Deadline));

        await Wait.UntilAsync(() => seen.Count >= 2, "both changes were reported");
        Assert.Equal([LiveCircuitChangeKind.Moved, LiveCircuitChangeKind.Closed], seen);
    }

    [Fact]
    public async Task AHandlerHearsTheChangesOfOneCircuitOneAtATime()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        registry.Register("c1", Anonymous);
        var inHandler = 0;
        var overlapped = false;
        var firstEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.Changed += (_, e) =>
        {
            if (Interlocked.Increment(ref inHandler) > 1)
            {
                overlapped = true;
            }

            if (e.Kind == LiveCircuitChangeKind.Disconnected)
            {
                firstEntered.TrySetResult();
                release.Task.Wait(Wait.Deadline);
            }

            Interlocked.Decrement(ref inHandler);
        };

        var down = Task.Run(() => registry.SetConnected("c1", connected: false));
        await firstEntered.Task.WaitAsync(Wait.Deadline);
        await Task.Run(() => registry.SetConnected("c1", connected: true)).WaitAsync(Wait.Deadline);
        release.SetResult();
        await down.WaitAsync(Wait.Deadline);

        Assert.False(overlapped, "two changes of one circuit were reported at the same time");
    }

    internal static bool InOrder(LiveCircuitChangeKind[] kinds) =>
        kinds.Length >= 2 && kinds[0] == LiveCircuitChangeKind.Opened && kinds[^1] == LiveCircuitChangeKind.Closed
        && kinds.Count(k => k == LiveCircuitChangeKind.Closed) == 1 && kinds.Count(k => k == LiveCircuitChangeKind.Opened) == 1;
}

/// <summary>The race of the issue, many times over: it runs alone, as its two threads spin on both cores.</summary>
[Collection("HeavyConcurrencyTests")]
public sealed class HeavyRegistryEventOrderTests
{
    private static readonly LiveIdentity Anonymous = new("browser:b1");
    private static readonly LiveIdentity Alice = new("user:alice", "alice");

    /// <summary>The race of the issue (150 of 200,000 went wrong): a circuit moves (sign-in) or drops its connection while it closes.</summary>
    [Fact]
    public void UnderRacingMovesDropsAndClosesEachCircuitIsReportedClosedLast()
    {
        const int races = 20_000;
        using var server = new LiveTestServer();
        var registry = server.Registry;
        var events = new ConcurrentDictionary<string, ConcurrentQueue<LiveCircuitChangeKind>>(StringComparer.Ordinal);
        registry.Changed += (_, e) => events.GetOrAdd(e.Circuit.CircuitId, _ => new()).Enqueue(e.Kind);
        var ids = Enumerable.Range(0, races).Select(i => $"c{i}").ToArray();
        foreach (var id in ids)
        {
            registry.Register(id, Anonymous);
        }

        using var barrier = new Barrier(2);
        var mover = new Thread(() =>
        {
            for (var i = 0; i < races; i++)
            {
                barrier.SignalAndWait(Wait.Deadline);
                if (i % 2 == 0)
                {
                    registry.Move(ids[i], Alice);
                }
                else
                {
                    registry.SetConnected(ids[i], connected: false);
                }
            }
        });
        var closer = new Thread(() =>
        {
            for (var i = 0; i < races; i++)
            {
                barrier.SignalAndWait(Wait.Deadline);
                registry.Unregister(ids[i]);
            }
        });
        mover.Start();
        closer.Start();
        Assert.True(mover.Join(Wait.Deadline * 4) && closer.Join(Wait.Deadline * 4), "the racing threads finished");

        var wrong = ids.Where(id => !RegistryEventOrderTests.InOrder(events[id].ToArray())).ToArray();
        Assert.True(wrong.Length == 0, $"{wrong.Length} of {races} circuits were reported out of order, e.g. {string.Join(", ", events[wrong.FirstOrDefault() ?? ids[0]])}");
        Assert.Equal(0, registry.Count);
    }

}
