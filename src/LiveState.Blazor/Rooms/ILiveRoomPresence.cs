namespace LiveState.Blazor;

/// <summary>
/// The members of a room, with their metadata, as <see cref="ILiveRoom.Presence"/> gives them: one per circuit
/// (<see cref="Members"/>) or one per user with all their tabs and devices folded in (<see cref="Users"/>).
/// </summary>
/// <remarks>
/// Membership comes from presence (the circuit registry; cluster-wide with a scale-out backend), metadata from the room's
/// state: a tab that closes, or a server that dies, leaves the list as soon as presence drops its circuit (at once on one
/// server; within the backend's presence timeout for a dead server), whatever its metadata said.
/// </remarks>
public interface ILiveRoomPresence
{
    /// <summary>The room's id.</summary>
    string RoomId { get; }

    /// <summary>The number of circuits in the room.</summary>
    int Count { get; }

    /// <summary>One member per circuit in the room, in the order their tabs opened.</summary>
    IReadOnlyList<LiveRoomMember> Members { get; }

    /// <summary>
    /// One member per user: a signed-in user's circuits on every device, or an anonymous browser's tabs, folded into one,
    /// in the order of their first tab. Its metadata is that of its most recently updated circuit.
    /// </summary>
    IReadOnlyList<LiveRoomUser> Users { get; }
}
