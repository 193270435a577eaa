using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LiveState.Blazor.State;

namespace LiveState.Blazor.Tests.State;

/// <summary>
/// What the asynchronous test stores share: slots in memory, writes and listing that complete asynchronously, a count of
/// reads and of reads in flight. Each store says how a read answers (<see cref="AnswerAsync{T}"/>).
/// </summary>
internal abstract class AsyncTestStore : ISessionGroupStore
{
    private readonly ConcurrentDictionary<(string, string), object> _slots = new();
    private int _reads;
    private int _pending;

    public int Reads => Volatile.Read(ref _reads);

    public int Pending => Volatile.Read(ref _pending);

    public void Seed<T>(string groupId, T value, long version = 1) where T : class =>
        _slots[(groupId, SlotKey<T>.Value)] = new SessionGroupSlot<T>(value, version);

    public async ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class
    {
        Interlocked.Increment(ref _reads);
        Interlocked.Increment(ref _pending);
        try
        {
            return await AnswerAsync(() => _slots.TryGetValue((groupId, slotKey), out var slot) ? (SessionGroupSlot<T>)slot : null, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    public async ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
    {
        await Task.Yield();
        lock (_slots)
        {
            var current = _slots.TryGetValue((groupId, slotKey), out var slot) ? (SessionGroupSlot<T>)slot : null;
            var next = new SessionGroupSlot<T>(update(current?.Value), (current?.Version ?? 0) + 1);
            _slots[(groupId, slotKey)] = next;
            return next;
        }
    }

    public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    public async IAsyncEnumerable<string> ListGroupsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var (group, _) in _slots.Keys)
        {
            yield return group;
        }
    }

    /// <summary>How a read answers: <paramref name="read"/> reads the slot as it is when called.</summary>
    protected abstract Task<SessionGroupSlot<T>?> AnswerAsync<T>(Func<SessionGroupSlot<T>?> read, CancellationToken cancellationToken) where T : class;
}
