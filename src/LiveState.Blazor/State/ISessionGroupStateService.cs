namespace LiveState.Blazor;

/// <summary>
/// Reads and updates any session group's state by group id, for code outside a circuit: a background job,
/// an admin page, a webhook. An update re-renders the slot's readers in that group's circuits exactly as
/// <see cref="SessionGroupState.MutateAsync{T}(Action{T}, CancellationToken)"/> does.
/// </summary>
/// <remarks>
/// A slot is keyed by its type (see <see cref="SessionGroupSlotAttribute"/>). Snapshots are shared by every
/// reader: never mutate what <see cref="Get{T}(string)"/> returns; change state through an update.
/// </remarks>
public interface ISessionGroupStateService
{
    /// <summary>The group's current snapshot of <typeparamref name="T"/>, or a new, unsaved <typeparamref name="T"/> when it has none. Never blocks.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="groupId">The group id.</param>
    T Get<T>(string groupId) where T : class, new();

    /// <summary>Reads the group's current snapshot of <typeparamref name="T"/> from the store.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<T> GetAsync<T>(string groupId, CancellationToken cancellationToken = default) where T : class, new();

    /// <summary>
    /// Updates a mutable state object copy-on-write: <paramref name="mutate"/> changes a private copy, which then
    /// replaces the snapshot atomically, so no reader sees half an update and concurrent updates lose nothing.
    /// Then the readers of the slot in every circuit of the group re-render.
    /// </summary>
    /// <typeparam name="T">The slot type; it is copied through System.Text.Json, so its state must round-trip (checked on first use).</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="mutate">Changes the copy. May run more than once (a concurrent update came first, or a distributed store retries).</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> would lose data in the copy (a get-only collection, a private setter, a field): the message names the member.</exception>
    Task<T> MutateAsync<T>(string groupId, Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new();

    /// <summary>
    /// Replaces an immutable state value (a record) with what <paramref name="update"/> returns for the current one,
    /// atomically. Then the readers of the slot in every circuit of the group re-render.
    /// </summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="update">Returns the new value; must not mutate its argument. May run more than once.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    Task<T> ReplaceAsync<T>(string groupId, Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new();

    /// <summary>Use <see cref="MutateAsync{T}"/>.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="mutate">Changes a private copy.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    [Obsolete("Use MutateAsync: it returns a Task, and its name says that it mutates a copy.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    ValueTask<T> UpdateAsync<T>(string groupId, Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new();

    /// <summary>Use <see cref="ReplaceAsync{T}"/>.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <param name="update">Returns the new value.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    [Obsolete("Use ReplaceAsync: it returns a Task, and its name says that it replaces the value.")]
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    ValueTask<T> UpdateAsync<T>(string groupId, Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new();

    /// <summary>Deletes all of a group's state and re-renders the readers of any of its slots.</summary>
    /// <param name="groupId">The group id.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>Whether the group held state.</returns>
    ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of the groups that hold state.</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default);
}
