namespace LiveState.Blazor;

/// <summary>One circuit (a tab) in a room, with the metadata it set.</summary>
public sealed class LiveRoomMember
{
    internal LiveRoomMember(string key, string? userId, bool isSelf, bool isConnected, IReadOnlyDictionary<string, string> metadata, DateTimeOffset? updatedAt)
    {
        Key = key;
        UserId = userId;
        IsSelf = isSelf;
        IsConnected = isConnected;
        Metadata = metadata;
        UpdatedAt = updatedAt;
    }

    /// <summary>A key for the member, stable while its circuit lives and distinct from the others' (for <c>@key</c>); it reveals nothing of the circuit.</summary>
    public string Key { get; }

    /// <summary>The member's signed-in user, or null when anonymous.</summary>
    public string? UserId { get; }

    /// <summary>Whether this member is the circuit reading the presence.</summary>
    public bool IsSelf { get; }

    /// <summary>Whether the member's connection is up (a dropped tab stays a member until Blazor closes its circuit).</summary>
    public bool IsConnected { get; }

    /// <summary>The metadata the member set; empty until it sets some.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>When the member last set its metadata, or null.</summary>
    public DateTimeOffset? UpdatedAt { get; }

    /// <summary>One metadata entry, or null.</summary>
    /// <param name="key">The entry's key.</param>
    public string? Get(string key) => Metadata.GetValueOrDefault(key);

    /// <inheritdoc />
    public override string ToString() => $"{UserId ?? "anonymous"} ({Key}){(IsSelf ? " (self)" : string.Empty)}";
}
