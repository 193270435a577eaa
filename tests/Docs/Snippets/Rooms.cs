using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

public static class RoomSetup
{
    public static void OpenRooms(IServiceCollection services)
    {
        // snippet-begin: rooms-open-to-signed-in
        // Any signed-in user may join any room; guests may join the rooms whose id starts with "public-".
        services.AddLiveState()
            .AddRoomAuthorizer((request, cancellationToken) => ValueTask.FromResult(
                request.User.Identity?.IsAuthenticated == true || request.RoomId.StartsWith("public-", StringComparison.Ordinal)));
        // snippet-end: rooms-open-to-signed-in
    }
}

// snippet-begin: rooms-document-authorizer
// A document's room: whoever may read the document may join it. Scoped, so it can use the app's scoped services.
public sealed class DocumentRoomAuthorizer(IDocumentAccess documents) : ILiveRoomAuthorizer
{
    public async ValueTask<bool> CanJoinAsync(LiveRoomJoinRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.RoomId.StartsWith("doc-", StringComparison.Ordinal)
            && await documents.CanReadAsync(request.User, request.RoomId["doc-".Length..], cancellationToken);
    }
}

// In Program.cs:
//     builder.Services.AddScoped<IDocumentAccess, DocumentAccess>();
//     builder.Services.AddLiveState().AddRoomAuthorizer<DocumentRoomAuthorizer>();
// snippet-end: rooms-document-authorizer

public interface IDocumentAccess
{
    Task<bool> CanReadAsync(System.Security.Claims.ClaimsPrincipal user, string documentId, CancellationToken cancellationToken);
}

[SessionGroupSlot("doc-notes")]
public sealed class RoomNotes
{
    public List<string> Lines { get; set; } = [];
}

public static class RoomEndpoints
{
    public static void Map(WebApplication app)
    {
        // snippet-begin: rooms-from-outside
        // A job or a webhook posts into a room: the room is a group, reached by its group id.
        app.MapPost("/rooms/{roomId}/notes", async (string roomId, string text, ISessionGroupStateService groups, ILiveBroadcaster broadcaster) =>
        {
            if (!LiveRooms.IsValidId(roomId))
            {
                return Results.NotFound();
            }

            var groupId = LiveRooms.GroupId(roomId); // "room:" + roomId
            await groups.MutateAsync<RoomNotes>(groupId, notes => notes.Lines.Add(text)); // re-renders the slot's readers
            int members = await broadcaster.BroadcastToGroupAsync(groupId);                 // re-renders every member
            return Results.Ok(members);
        });
        // snippet-end: rooms-from-outside
    }
}
