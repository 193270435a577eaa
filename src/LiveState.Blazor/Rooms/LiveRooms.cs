namespace LiveState.Blazor;

/// <summary>Room ids and the groups they name, for code that reaches a room from outside a component (a job, an endpoint).</summary>
public static class LiveRooms
{
    /// <summary>The prefix of a room's group id: the group of room <c>doc-42</c> is <c>room:doc-42</c>.</summary>
    public const string GroupPrefix = "room:";

    /// <summary>The longest room id.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The group of a room: <see cref="GroupPrefix"/> and the id.</summary>
    /// <param name="roomId">The room's id: 1-128 ASCII letters, digits, '-', '_', '.' or ':'.</param>
    /// <exception cref="ArgumentException">The id is empty, too long, or holds another character.</exception>
    public static string GroupId(string roomId)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        if (!IsValidId(roomId))
        {
            throw new ArgumentException($"A room id has 1-{MaxIdLength} characters, each an ASCII letter, a digit, '-', '_', '.' or ':'.", nameof(roomId));
        }

        return GroupPrefix + roomId;
    }

    /// <summary>Whether <paramref name="roomId"/> is a valid room id (so user input can be checked before a join).</summary>
    /// <param name="roomId">The candidate id.</param>
    public static bool IsValidId(string? roomId)
    {
        if (string.IsNullOrEmpty(roomId) || roomId.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in roomId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
