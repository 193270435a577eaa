namespace LiveState.Blazor.Rooms;

/// <summary>
/// The metadata of a room's members, a slot of the room's group keyed by circuit id. Who is in the room is presence's
/// answer, never this slot's: an entry counts only while its circuit is a member, so a closed tab or a dead server's
/// circuits vanish with their presence whatever is left here. Entries are removed when their circuit leaves or closes,
/// and stale ones (their circuit gone for <see cref="StaleAfter"/>) by the next write of any member.
/// </summary>
[SessionGroupSlot(Key)]
internal sealed class RoomMembers
{
    public const string Key = "livestate.room-members";

    /// <summary>How long an entry whose circuit is not in the room survives the writes of others (presence may lag between servers).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    public Dictionary<string, RoomMemberEntry> Members { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sets (or, with null metadata, removes) one circuit's entry and drops the stale entries of others.</summary>
    public void Apply(string circuitId, IReadOnlyDictionary<string, string>? metadata, DateTimeOffset now, Func<string, bool> isMember)
    {
        List<string>? stale = null;
        foreach (var (id, entry) in Members)
        {
            if (id != circuitId && entry.UpdatedAt < now - StaleAfter && !isMember(id))
            {
                (stale ??= []).Add(id);
            }
        }

        foreach (var id in stale ?? [])
        {
            Members.Remove(id);
        }

        if (metadata is null)
        {
            Members.Remove(circuitId);
            return;
        }

        Members[circuitId] = new RoomMemberEntry
        {
            Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal),
            UpdatedAt = now,
        };
    }
}

/// <summary>One circuit's metadata in a room.</summary>
internal sealed class RoomMemberEntry
{
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset UpdatedAt { get; set; }
}
