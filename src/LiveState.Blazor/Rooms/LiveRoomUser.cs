namespace LiveState.Blazor;

/// <summary>
/// One user in a room with all their circuits folded in: a signed-in user's tabs on every device, or, for an anonymous
/// browser, its tabs.
/// </summary>
public sealed class LiveRoomUser
{
    internal LiveRoomUser(string key, string? userId, IReadOnlyList<LiveRoomMember> members)
    {
        Key = key;
        UserId = userId;
        Members = members;
        LiveRoomMember? latest = null;
        foreach (var member in members)
        {
            IsSelf |= member.IsSelf;
            IsConnected |= member.IsConnected;
            if (member.UpdatedAt is { } at && (latest?.UpdatedAt is not { } best || at > best))
            {
                latest = member;
            }
        }

        Metadata = latest?.Metadata ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
    }

    /// <summary>A key for the user, stable and distinct from the others' (for <c>@key</c>); it reveals nothing of the browser.</summary>
    public string Key { get; }

    /// <summary>The signed-in user, or null for an anonymous browser.</summary>
    public string? UserId { get; }

    /// <summary>Whether one of the user's circuits is the one reading the presence.</summary>
    public bool IsSelf { get; }

    /// <summary>Whether any of the user's circuits is connected.</summary>
    public bool IsConnected { get; }

    /// <summary>The user's circuits in the room.</summary>
    public IReadOnlyList<LiveRoomMember> Members { get; }

    /// <summary>The metadata of the circuit that set it last (a user typing in one tab is typing); empty when none did.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>One metadata entry, or null.</summary>
    /// <param name="key">The entry's key.</param>
    public string? Get(string key) => Metadata.GetValueOrDefault(key);

    /// <inheritdoc />
    public override string ToString() => $"{UserId ?? "anonymous"} ({Key}, {Members.Count} circuits)";
}
