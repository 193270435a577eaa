using LiveState.Blazor;

namespace ChatApp.Chat;

/// <summary>
/// Who may join which room: a room must be in the directory (nobody joins a room by guessing an id), and a members-only
/// room needs a signed-in user. Asked again when a circuit's principal changes, so signing out takes members-only rooms away.
/// </summary>
// snippet-begin: chat-authorizer
public sealed class ChatRoomAuthorizer(ISessionGroupStateService states) : ILiveRoomAuthorizer
{
    public async ValueTask<bool> CanJoinAsync(LiveRoomJoinRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var directory = await states.GetAsync<RoomDirectory>(RoomDirectory.GroupId, cancellationToken);
        return directory.Find(request.RoomId) is { } room
            && (!room.MembersOnly || request.User.Identity?.IsAuthenticated == true);
    }
}
// snippet-end: chat-authorizer
