using LiveState.Blazor.Rooms;
using LiveState.Blazor.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>The in-memory store, with writes of rooms' member slots held at a gate the test opens (a slow remote store).</summary>
internal sealed class GatedStore(ILiveCircuitRegistry registry, IOptionsMonitor<LiveStateOptions> options, TimeProvider time, ILogger<InMemorySessionGroupStore> logger) : ISessionGroupStore
{
    private readonly InMemorySessionGroupStore _inner = new(registry, options, time, logger);
    private int _memberWrites;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Writes of a room's member slot that started.</summary>
    public int MemberWrites => Volatile.Read(ref _memberWrites);

    public ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class =>
        _inner.GetAsync<T>(groupId, slotKey, cancellationToken);

    public async ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class
    {
        if (slotKey == RoomMembers.Key)
        {
            Interlocked.Increment(ref _memberWrites);
            await Gate.Task;
        }

        return await _inner.UpdateAsync(groupId, slotKey, update, cancellationToken);
    }

    public ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default) => _inner.DeleteAsync(groupId, cancellationToken);

    public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) => _inner.ListGroupsAsync(cancellationToken);
}
