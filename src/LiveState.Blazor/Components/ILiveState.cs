namespace LiveState.Blazor;

/// <summary>
/// One slot of the circuit's session group state, typed: inject it (<c>@inject ILiveState&lt;Cart&gt; Cart</c>) in a
/// component that inherits <see cref="LiveComponent"/>, and the component re-renders when this slot changes, in any
/// circuit of the group, and for nothing else.
/// </summary>
/// <typeparam name="T">The slot type: a class with a parameterless constructor that round-trips through
/// System.Text.Json (checked on first use), or an immutable record.</typeparam>
/// <remarks>
/// The handle follows the circuit's group: after a sign-in or sign-out it reads the new group's slot. A component that
/// does not inherit <see cref="LiveComponent"/> can still re-render on changes with <see cref="Subscribe"/>.
/// </remarks>
public interface ILiveState<T> where T : class, new()
{
    /// <summary>The group whose slot this is.</summary>
    string GroupId { get; }

    /// <summary>The current snapshot, or a new, unsaved <typeparamref name="T"/> when the group has none. Never blocks; safe in render. Never mutate it.</summary>
    T Value { get; }

    /// <summary>
    /// Copies the snapshot, lets <paramref name="mutate"/> change the copy, and swaps it in atomically; then every reader
    /// of the slot in every circuit of the group re-renders. Concurrent updates lose nothing.
    /// </summary>
    /// <param name="mutate">Changes the copy. May run more than once (a concurrent update came first, or a distributed store retries).</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    Task<T> MutateAsync(Action<T> mutate, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the value with what <paramref name="update"/> returns for the current one (for immutable records); then
    /// every reader of the slot in every circuit of the group re-renders.
    /// </summary>
    /// <param name="update">Returns the new value; must not mutate its argument. May run more than once.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    Task<T> ReplaceAsync(Func<T, T> update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onChanged"/> whenever the slot changes, until the returned subscription is disposed. For
    /// components that do not inherit <see cref="LiveComponent"/>: call <c>InvokeAsync(StateHasChanged)</c> from it, and
    /// dispose the subscription in the component's <c>Dispose</c>.
    /// </summary>
    /// <param name="onChanged">Called after each change, on a thread of LiveState's choosing; must be quick and must not throw.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    IDisposable Subscribe(Action onChanged);
}
