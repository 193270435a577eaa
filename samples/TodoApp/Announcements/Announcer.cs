using LiveState.Blazor;

namespace TodoApp.Announcements;

/// <summary>
/// Sends announcements: posts them on the board (shared state), then re-renders exactly the recipients' circuits
/// with <see cref="ILiveBroadcaster"/>. Each circuit shows only the announcements whose audience includes it.
/// </summary>
public sealed class Announcer(ISessionGroupStateService groups, ILiveBroadcaster broadcaster, TimeProvider time)
{
    public const int MaxLength = 280;

    public AnnouncementBoard Board => groups.Get<AnnouncementBoard>(AnnouncementBoard.GroupId);

    // snippet-begin: send
    /// <summary>Posts an announcement and returns how many open tabs it reached live.</summary>
    public async Task<int> SendAsync(string text, Audience audience, string from, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentNullException.ThrowIfNull(audience);
        var trimmed = text.Trim();
        var announcement = new Announcement(Guid.NewGuid(), trimmed.Length > MaxLength ? trimmed[..MaxLength] : trimmed, audience, from, time.GetUtcNow());

        // State first: a recipient that renders for any reason from now on sees it, including after a reload.
        await groups.ReplaceAsync<AnnouncementBoard>(AnnouncementBoard.GroupId, board => board.Post(announcement), cancellationToken);

        return audience.Kind switch
        {
            AudienceKind.Everyone => await broadcaster.BroadcastToAllAsync(cancellationToken: cancellationToken),
            AudienceKind.Users => await broadcaster.BroadcastToUsersAsync(audience.UserIds, cancellationToken: cancellationToken),
            AudienceKind.Group => await broadcaster.BroadcastToGroupAsync(audience.GroupId!, cancellationToken: cancellationToken),
            _ => 0,
        };
    }
    // snippet-end: send
}
