using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.State;

/// <summary>
/// A render of a group no circuit here shows serves what is cached and checks the store in the background. A render
/// that comes while a check is in flight joins it; the check it joins may have read the store before the render was
/// asked for (before the write the render was for), so it must not be the last word for that render.
/// </summary>
public sealed class RemoteStoreCheckTests : IDisposable
{
    private readonly GatedStore _store = new();
    private readonly LiveTestServer _server;

    public RemoteStoreCheckTests() => _server = new LiveTestServer(services: s => s.AddSingleton<ISessionGroupStore>(_store));

    public void Dispose()
    {
        _store.Open();
        _server.Dispose();
    }

    private SlotCache Cache => _server.Services.GetRequiredService<SessionGroupStateService>().Cache;

    [Fact]
    public async Task ARenderThatJoinsACheckWhichReadBeforeAWriteStillShowsTheWrite()
    {
        _store.Seed("app:board", new Counter { Value = 5 }, version: 1);
        var tab = _server.Open<BoardReader>(new LiveIdentity("user:a", "a"));
        var bystander = new FakeRenderTarget();
        _server.Registry.Register("bystander", new LiveIdentity("user:b", "b")).AddTarget(bystander);
        tab.Component.WaitForAssertion(() => Assert.Equal("5", tab.Component.Find(".board").TextContent), Wait.Deadline);
        await Wait.UntilAsync(() => !Cache.IsLoading("app:board", SlotKey<Counter>.Value), "the first load and its check finished");

        // A broadcast re-renders the tab: it shows 5 and checks the store. The check reads 5; its answer is on its way.
        _store.Hold();
        await _server.Broadcaster.BroadcastToCircuitAsync(tab.Id);
        await Wait.UntilAsync(() => _store.Held == 1, "the check read the store");

        // Another server writes 7, then re-renders the tab (a broadcast): the render joins the check in flight.
        _store.Seed("app:board", new Counter { Value = 7 }, version: 2);
        await _server.Broadcaster.BroadcastToCircuitAsync(tab.Id);
        Assert.Equal("5", tab.Component.Find(".board").TextContent);

        // The check answers 5, read before the write: the tab still comes to show 7.
        _store.Open();
        tab.Component.WaitForAssertion(() => Assert.Equal("7", tab.Component.Find(".board").TextContent), Wait.Deadline);

        // And the checks stop there: nothing newer, nothing else re-rendered.
        await Wait.UntilAsync(() => !Cache.IsLoading("app:board", SlotKey<Counter>.Value) && _store.Pending == 0, "the last check finished");
        var reads = _store.Reads;
        Assert.False(Cache.IsLoading("app:board", SlotKey<Counter>.Value));
        Assert.Equal(reads, _store.Reads);
        Assert.Equal(0, bystander.Renders);
    }

    /// <summary>
    /// A store that reads a slot when asked and, while held, keeps the answer until opened: a read whose reply is on the
    /// network.
    /// </summary>
    private sealed class GatedStore : AsyncTestStore
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource? _held;
        private int _heldCount;

        public int Held => Volatile.Read(ref _heldCount);

        public void Hold()
        {
            lock (_gate)
            {
                _held ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Open()
        {
            TaskCompletionSource? held;
            lock (_gate)
            {
                held = _held;
                _held = null;
            }

            held?.TrySetResult();
        }

        protected override async Task<SessionGroupSlot<T>?> AnswerAsync<T>(Func<SessionGroupSlot<T>?> read, CancellationToken cancellationToken)
            where T : class
        {
            // Read now; answer when the gate opens.
            var slot = read();
            Task? gate;
            lock (_gate)
            {
                gate = _held?.Task;
            }

            if (gate is not null)
            {
                Interlocked.Increment(ref _heldCount);
                await gate.WaitAsync(cancellationToken);
            }
            else
            {
                await Task.Yield();
            }

            return slot;
        }
    }
}
