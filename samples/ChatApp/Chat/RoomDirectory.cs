using System.Text;
using LiveState.Blazor;

namespace ChatApp.Chat;

/// <summary>One chat room as the directory lists it.</summary>
public sealed class ChatRoomInfo
{
    /// <summary>The room id (a valid LiveState room id, <see cref="LiveRooms.IsValidId"/>), used in the room's URL.</summary>
    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    /// <summary>Only signed-in users may join (the authorizer refuses guests).</summary>
    public bool MembersOnly { get; set; }
}

/// <summary>
/// The list of rooms, shared by everyone: a slot of one well-known group, so every reader (the sidebar of every tab, on
/// every server with Redis) re-renders when a room is created. A new group starts with the three default rooms.
/// </summary>
[SessionGroupSlot("chat-rooms")]
public sealed class RoomDirectory
{
    /// <summary>The group every tab watches for the list.</summary>
    public const string GroupId = "chat:directory";

    /// <summary>The most rooms the directory keeps.</summary>
    public const int MaxRooms = 50;

    /// <summary>The longest room title kept; the create form says the same to the browser.</summary>
    public const int MaxTitleLength = 40;

    public List<ChatRoomInfo> Rooms { get; set; } =
    [
        new() { Id = "general", Title = "General" },
        new() { Id = "random", Title = "Random" },
        new() { Id = "members", Title = "Members only", MembersOnly = true },
    ];

    public ChatRoomInfo? Find(string roomId) => Rooms.Find(r => string.Equals(r.Id, roomId, StringComparison.Ordinal));

    /// <summary>Adds a room titled <paramref name="title"/> (its id derived from the title) unless one has that id; returns its id, or null when the title makes no id or the directory is full.</summary>
    public string? Add(string title, bool membersOnly)
    {
        var id = Slug(title);
        if (id is null)
        {
            return null;
        }

        if (Find(id) is null)
        {
            if (Rooms.Count >= MaxRooms)
            {
                return null;
            }

            // The form's maxlength binds only the browser: the server cuts the title, whatever a client sends.
            var trimmed = title.Trim();
            Rooms.Add(new ChatRoomInfo { Id = id, Title = trimmed.Length > MaxTitleLength ? trimmed[..MaxTitleLength] : trimmed, MembersOnly = membersOnly });
        }

        return id;
    }

    /// <summary>"Book club!" becomes "book-club": lower-case ASCII letters and digits joined by dashes, at most 40 characters.</summary>
    public static string? Slug(string? title)
    {
        var slug = new StringBuilder();
        foreach (var c in (title ?? string.Empty).Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var id = slug.ToString().Trim('-');
        id = id.Length > 40 ? id[..40].TrimEnd('-') : id;
        return LiveRooms.IsValidId(id) ? id : null;
    }
}
