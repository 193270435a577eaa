namespace LiveState.Blazor;

/// <summary>
/// Where session group state lives: slots of typed, versioned snapshots per group. In memory by default;
/// Redis when scaled out. Most code uses <see cref="SessionGroupState"/> or <see cref="ISessionGroupStateService"/>;
/// this is the storage layer beneath them.
/// </summary>
public interface ISessionGroupStore
{
    /// <summary>Reads one slot of a group.</summary>
    /// <typeparam name="T">The slot's declared type; values are read as this type only.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="slotKey">The slot key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The slot, or null when the group has no such slot.</returns>
    ValueTask<SessionGroupSlot<T>?> GetAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken = default) where T : class;

    /// <summary>
    /// Atomically replaces one slot with <c>update(current)</c>. Concurrent updates lose nothing: each sees the
    /// result of the one before. <paramref name="update"/> receives the current snapshot (null when the slot is new),
    /// must return a new value without mutating it, and may run more than once when a store retries after a conflict.
    /// </summary>
    /// <typeparam name="T">The slot's declared type.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="slotKey">The slot key.</param>
    /// <param name="update">Computes the new value from the current one.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The slot as stored.</returns>
    ValueTask<SessionGroupSlot<T>> UpdateAsync<T>(string groupId, string slotKey, Func<T?, T> update, CancellationToken cancellationToken = default) where T : class;

    /// <summary>Deletes a group and all its slots.</summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>Whether the group existed.</returns>
    ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of the groups that hold state.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default);
}
