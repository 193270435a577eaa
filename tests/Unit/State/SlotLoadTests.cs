using System.Threading.Tasks.Sources;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.State;

/// <summary>
/// A store that answers asynchronously (Redis) fills the slot cache in the background after a render asked for a
/// slot it did not hold; the load then re-renders the group. That re-render must come after the asking render, never
/// inside it, even when the read completes while the render is still asking.
/// </summary>
public sealed class SlotLoadTests
{
    [Fact]
    public async Task A_load_that_completes_while_the_render_asks_re_renders_after_that_render_not_inside_it()
    {
        var store = new ReadCompletesWhileAsked(new Counter { Value = 7 });
        using var server = new LiveTestServer(services: s => s.AddSingleton<ISessionGroupStore>(store));
        var probe = new ReentrancyProbe(server.States, "group-a");
        server.Registry.Register("c1", new LiveIdentity("group-a")).AddTarget(probe);

        await server.Broadcaster.BroadcastToGroupAsync("group-a");
        await Wait.UntilAsync(() => probe.Values.Contains(7), "the loaded value was rendered");

        Assert.Equal(1, store.Reads);
        Assert.False(probe.Nested, "a render ran inside the render that asked for the slot");
        Assert.Equal([0, 7], probe.Values);
    }

    /// <summary>Renders one at a time and notices a render that starts inside another (a real dispatcher would queue it).</summary>
    private sealed class ReentrancyProbe(ISessionGroupStateService states, string groupId) : ILiveRenderTarget
    {
        private readonly Lock _lock = new();
        private bool _rendering;

        public List<int> Values { get; } = [];

        public bool Nested { get; private set; }

        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        // No dispatcher of its own: the delivering thread renders it, as it would a callback.
        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            lock (_lock)
            {
                Nested |= _rendering;
                _rendering = true;
                try
                {
                    var value = states.Get<Counter>(groupId).Value;
                    Values.Add(value);
                }
                finally
                {
                    _rendering = false;
                }
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A remote store whose read is still pending when the caller first looks and complete by the time it awaits:
    /// the window in which a network answer arrives on another thread.
    /// </summary>
    private sealed class ReadCompletesWhileAsked(Counter value) : ISessionGroupStore, IValueTaskSource<SessionGroupSlot<Counter>?>
    {
        private int _statusChecks;
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class
        {
            Interlocked.Increment(ref _reads);
            Interlocked.Exchange(ref _statusChecks, 0);
            return (ValueTask<SessionGroupSlot<T>?>)(object)new ValueTask<SessionGroupSlot<Counter>?>(this, 0);
        }

        public ValueTaskSourceStatus GetStatus(short token) =>
            Interlocked.Increment(ref _statusChecks) == 1 ? ValueTaskSourceStatus.Pending : ValueTaskSourceStatus.Succeeded;

        public SessionGroupSlot<Counter>? GetResult(short token) => new(value, 1);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            ThreadPool.QueueUserWorkItem(continuation, state, preferLocal: false);

        public ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class =>
            throw new NotSupportedException();

        public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
