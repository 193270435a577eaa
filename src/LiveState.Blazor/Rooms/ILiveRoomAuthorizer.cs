using System.Security.Claims;

namespace LiveState.Blazor;

/// <summary>
/// Decides who may join which room. Register one or more with <c>AddLiveState().AddRoomAuthorizer&lt;T&gt;()</c>; a join
/// is granted only when every one of them allows it. With none registered every join is refused: a room's id usually
/// comes from a URL or a user, and LiveState cannot know who may see a document or a chat, so it asks for the rule
/// instead of opening every room to anyone who knows or guesses an id.
/// </summary>
/// <remarks>
/// Asked on a circuit's first join of a room, and again for every room the circuit is in when its principal changes
/// (a sign-in, a sign-out, a revalidation): a room the new principal may not join is taken away. Further joins of a room
/// the circuit is already in (another component of the same page) are not asked again. Resolved from the circuit's
/// scope, so scoped services may be injected. An exception it throws refuses the join (and is logged).
/// </remarks>
public interface ILiveRoomAuthorizer
{
    /// <summary>Whether the circuit described by <paramref name="request"/> may join the room.</summary>
    /// <param name="request">The room, and the principal and identity of the circuit asking.</param>
    /// <param name="cancellationToken">Cancelled when the component that joins gives up, or the circuit closes.</param>
    /// <returns>True to allow the join.</returns>
    ValueTask<bool> CanJoinAsync(LiveRoomJoinRequest request, CancellationToken cancellationToken = default);
}

/// <summary>A circuit asking to join a room, as <see cref="ILiveRoomAuthorizer"/> sees it.</summary>
public sealed class LiveRoomJoinRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="roomId">The room's id.</param>
    /// <param name="user">The circuit's principal (anonymous when nobody signed in).</param>
    /// <param name="identity">The circuit's identity (its session group, user and memberships).</param>
    public LiveRoomJoinRequest(string roomId, ClaimsPrincipal user, LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(identity);
        GroupId = LiveRooms.GroupId(roomId);
        RoomId = roomId;
        User = user;
        Identity = identity;
    }

    /// <summary>The room's id.</summary>
    public string RoomId { get; }

    /// <summary>The room's group (<c>room:</c> and the id).</summary>
    public string GroupId { get; }

    /// <summary>The circuit's principal (anonymous when nobody signed in).</summary>
    public ClaimsPrincipal User { get; }

    /// <summary>The circuit's identity.</summary>
    public LiveIdentity Identity { get; }
}
