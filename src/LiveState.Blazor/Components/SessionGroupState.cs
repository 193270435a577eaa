using System.ComponentModel;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Components;
using LiveState.Blazor.State;

namespace LiveState.Blazor;

/// <summary>
/// The state a circuit shares with its session group (every tab of a browser, every device of a user, or a custom
/// group). <c>AddLiveState()</c> cascades it from DI to every component under any render mode; take it with
/// <c>[CascadingParameter] public SessionGroupState State { get; set; }</c>.
/// </summary>
/// <remarks>
/// <para>
/// Components that take it re-render when something they could have read through it changes in this circuit: a slot
/// that some component of the circuit read with <see cref="Get{T}"/>, the group's presence once some component read
/// <see cref="CircuitCount"/> or <see cref="Circuits"/>, a move to another group, and every <see cref="ILiveBroadcaster"/>
/// broadcast that reaches the circuit. For finer renders (only the readers of the slot that changed) inherit
/// <see cref="LiveComponent"/> and inject <see cref="ILiveState{T}"/> or <see cref="ILivePresence"/>.
/// </para>
/// <para>Snapshots from <see cref="Get{T}"/> are shared by every reader: read them, never mutate them.</para>
/// </remarks>
public sealed class SessionGroupState
{
    private readonly LiveCircuitContext _context;
    private readonly SessionGroupStateService _service;
    private readonly ILiveCircuitRegistry _registry;

    internal SessionGroupState(LiveCircuitContext context, SessionGroupStateService service, ILiveCircuitRegistry registry)
    {
        _context = context;
        _service = service;
        _registry = registry;
    }

    /// <summary>Who this circuit belongs to and which group it shares. Follows sign-in and sign-out.</summary>
    public LiveIdentity Identity
    {
        get
        {
            _context.Cascade.NoteUse();
            _context.NoteDispatcher();
            return _context.Identity;
        }
    }

    /// <summary>The circuit's session group id.</summary>
    public string GroupId => Identity.GroupId;

    /// <summary>The circuit's id, or null while prerendering (no circuit yet).</summary>
    public string? CircuitId => _context.Circuit?.Id;

    /// <summary>Whether this state belongs to a live circuit (false while prerendering).</summary>
    public bool IsLive => _context.Circuit is not null;

    /// <summary>The live circuits of this group: every open tab and device.</summary>
    public IReadOnlyList<LiveCircuitInfo> Circuits
    {
        get
        {
            var groupId = GroupId;
            _context.Cascade.NotePresence(groupId);
            return _registry.GetCircuitsOfGroup(groupId);
        }
    }

    /// <summary>The number of live circuits of this group.</summary>
    public int CircuitCount
    {
        get
        {
            var groupId = GroupId;
            _context.Cascade.NotePresence(groupId);
            return _registry.CountGroup(groupId);
        }
    }

    /// <summary>The group's current snapshot of <typeparamref name="T"/>, or a new, unsaved <typeparamref name="T"/>. Never blocks; safe in render.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> would lose data when copied or stored (see <see cref="ISessionGroupStateService"/>).</exception>
    public T Get<T>() where T : class, new()
    {
        var groupId = GroupId;
        _context.Cascade.NoteSlot(groupId, SlotKey<T>.Value);
        return _service.Get<T>(groupId);
    }

    /// <summary>
    /// Updates a mutable state object copy-on-write: <paramref name="mutate"/> changes a private copy, which then replaces
    /// the group's snapshot atomically; then every reader of the slot in every circuit of the group re-renders.
    /// </summary>
    /// <typeparam name="T">The slot type; copied through System.Text.Json.</typeparam>
    /// <param name="mutate">Changes the copy. May run more than once (a concurrent update came first, or a distributed store retries).</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    public Task<T> MutateAsync<T>(Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new() =>
        _service.MutateAsync(GroupId, mutate, cancellationToken);

    /// <summary>
    /// Replaces an immutable state value (a record) with what <paramref name="update"/> returns for the current one;
    /// then every reader of the slot in every circuit of the group re-renders.
    /// </summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="update">Returns the new value; must not mutate its argument. May run more than once.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    public Task<T> ReplaceAsync<T>(Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new() =>
        _service.ReplaceAsync(GroupId, update, cancellationToken);

    /// <summary>Use <see cref="MutateAsync{T}"/>: it returns a <see cref="Task{TResult}"/>, which event handlers await.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="mutate">Changes a private copy.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    [Obsolete("Use MutateAsync: it returns a Task that event handlers await, and its name says that it mutates a copy.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask<T> UpdateAsync<T>(Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new() =>
        new(MutateAsync(mutate, cancellationToken));

    /// <summary>Use <see cref="ReplaceAsync{T}"/>: it returns a <see cref="Task{TResult}"/>, which event handlers await.</summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="update">Returns the new value.</param>
    /// <param name="cancellationToken">Cancels the update before it is applied.</param>
    /// <returns>The new snapshot.</returns>
    [Obsolete("Use ReplaceAsync: it returns a Task that event handlers await, and its name says that it replaces the value.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask<T> UpdateAsync<T>(Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new() =>
        new(ReplaceAsync(update, cancellationToken));
}
