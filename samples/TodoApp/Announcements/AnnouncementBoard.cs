using System.Collections.Immutable;
using LiveState.Blazor;

namespace TodoApp.Announcements;

/// <summary>
/// Every recent announcement with its audience, kept as the state of one well-known group. It lives in the
/// LiveState store, not in a process singleton, so every server of a scaled-out app reads the same board.
/// </summary>
[SessionGroupSlot("announcements")]
public sealed record AnnouncementBoard
{
    /// <summary>The group that holds the board. No circuit belongs to it; circuits read it and filter.</summary>
    public const string GroupId = "app:announcements";

    public const int Capacity = 50;

    /// <summary>Newest first.</summary>
    public ImmutableList<Announcement> Items { get; init; } = [];

    public AnnouncementBoard Post(Announcement announcement)
    {
        var items = Items.Insert(0, announcement);
        return this with { Items = items.Count > Capacity ? items.RemoveRange(Capacity, items.Count - Capacity) : items };
    }

    public IEnumerable<Announcement> For(LiveIdentity identity) => Items.Where(a => a.Audience.Includes(identity));
}

/// <summary>The announcements a session group has dismissed: dismiss on the phone, gone on the laptop too.</summary>
[SessionGroupSlot("dismissed-announcements")]
public sealed record DismissedAnnouncements
{
    public ImmutableArray<Guid> Ids { get; init; } = [];

    public bool Contains(Guid id) => Ids.Contains(id);

    public DismissedAnnouncements Add(Guid id) =>
        Ids.Contains(id) ? this : this with { Ids = [.. Ids.TakeLast(AnnouncementBoard.Capacity - 1), id] };
}
