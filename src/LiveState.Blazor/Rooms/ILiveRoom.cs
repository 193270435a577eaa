namespace LiveState.Blazor;

/// <summary>
/// A room this circuit joined: a group (<c>room:{id}</c>) with its own state, its members and what each is doing.
/// <see cref="LiveComponent.JoinRoomAsync"/> returns one, bound to the component that joined: what the component reads
/// through it (<see cref="State{T}"/>, <see cref="Presence"/>) re-renders that component when it changes, and the room is
/// left when the component is disposed (or on <see cref="LeaveAsync"/>).
/// </summary>
/// <remarks>
/// <para>
/// Only a granted join gives a handle: the app's <see cref="ILiveRoomAuthorizer"/> decided first, and a refusal is a
/// <see cref="LiveRoomAccessDeniedException"/>. A circuit is in a room as long as one of its handles of the room is
/// joined; several components of one circuit may join the same room (one member, counted once), and a circuit may be
/// in several rooms.
/// </para>
/// <para>
/// The room is a group like any other: <c>ILiveBroadcaster.BroadcastToGroupAsync(room.GroupId)</c> re-renders its
/// members' circuits, <see cref="ISessionGroupStateService"/> reads and updates its state from code outside a circuit
/// (a job posting into a chat), and with a scale-out backend its state, presence and broadcasts reach every server.
/// </para>
/// </remarks>
public interface ILiveRoom
{
    /// <summary>The room's id, as given to <see cref="LiveComponent.JoinRoomAsync"/>.</summary>
    string Id { get; }

    /// <summary>The room's group: <c>room:</c> and the id (<see cref="LiveRooms.GroupId"/>).</summary>
    string GroupId { get; }

    /// <summary>
    /// Whether the handle still gives access to the room. False once it was left, once its circuit closed, and once the
    /// room was taken away because the authorizer refused the circuit's new principal (a sign-out); then
    /// <see cref="State{T}"/> reads a new, empty value and <see cref="Presence"/> nobody, never the room's.
    /// </summary>
    bool IsJoined { get; }

    /// <summary>
    /// One slot of the room's state, with the semantics of the group's own slots (<see cref="ILiveState{T}"/>): a snapshot
    /// to read, Task-returning updates that re-render the slot's readers in every member's circuit. Reading it subscribes
    /// the component that joined: it re-renders when this slot changes, and for no other slot.
    /// </summary>
    /// <typeparam name="T">The slot type (as for any slot: a class that round-trips through System.Text.Json, or a record).</typeparam>
    /// <returns>The slot's handle (the same one each call).</returns>
    /// <exception cref="ObjectDisposedException">The handle was left.</exception>
    ILiveState<T> State<T>() where T : class, new();

    /// <summary>
    /// Who is in the room: one member per circuit, or one per user with their tabs folded in, each with its metadata.
    /// Reading it subscribes the component that joined: it re-renders when a member joins, leaves, drops its connection or
    /// changes its metadata, coalesced over <see cref="LiveStateOptions.PresenceUpdateInterval"/> (the first change of a
    /// quiet room at once, then at most one render per interval while changes keep coming).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The handle was left.</exception>
    ILiveRoomPresence Presence { get; }

    /// <summary>This circuit's own metadata in the room (empty until set).</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Replaces this circuit's metadata in the room (<c>name</c>, <c>status: typing</c>): every member's presence readers
    /// re-render, coalesced. Calls made while a write is on its way are folded into the next write, the last one winning,
    /// so a burst of keystrokes costs a write or two, not one per key. One member per circuit: every handle of the room in
    /// this circuit shares it.
    /// </summary>
    /// <param name="metadata">At most 32 entries; keys of 1-64 characters, values of up to 1,024.</param>
    /// <param name="cancellationToken">Stops waiting for the write; it still happens.</param>
    /// <returns>Completes when a write that includes this metadata is stored.</returns>
    /// <exception cref="ArgumentException">The metadata is too big.</exception>
    /// <exception cref="LiveRoomAccessDeniedException">The room was taken away (<see cref="IsJoined"/> is false).</exception>
    /// <exception cref="ObjectDisposedException">The handle was left.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their required parameters (a dictionary, or a key and a value); only the cancellation token is optional.")]
    Task SetMetadataAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken = default);

    /// <summary>Sets one entry of this circuit's metadata (null removes it); see <see cref="SetMetadataAsync(IReadOnlyDictionary{string, string}, CancellationToken)"/>.</summary>
    /// <param name="key">The entry's key.</param>
    /// <param name="value">Its value, or null to remove it.</param>
    /// <param name="cancellationToken">Stops waiting for the write; it still happens.</param>
    /// <returns>Completes when a write that includes the change is stored.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their required parameters (a dictionary, or a key and a value); only the cancellation token is optional.")]
    Task SetMetadataAsync(string key, string? value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leaves the room before the component is disposed (a page that switches rooms when its route changes). The circuit
    /// stays a member while another of its handles of the room is joined. Leaving twice does nothing.
    /// </summary>
    /// <returns>Completes when the circuit's metadata is removed from the room and the members were told.</returns>
    Task LeaveAsync();
}
