namespace LiveState.Blazor.Backends;

/// <summary>What a topic names: a session group or a user.</summary>
public enum LiveTopicKind
{
    /// <summary>A session group (its own group, a membership, or one a component watches by id).</summary>
    Group,

    /// <summary>A signed-in user.</summary>
    User,
}

/// <summary>
/// Something this server needs to hear about from the other servers: a group that one of its circuits belongs to or
/// watches, or a user with a circuit here. A backend routes messages by topic, so that a server receives only the
/// messages about what it hosts.
/// </summary>
/// <param name="Kind">Group or user.</param>
/// <param name="Id">The group id or user id.</param>
public readonly record struct LiveTopic(LiveTopicKind Kind, string Id)
{
    /// <summary>The topic of a group.</summary>
    /// <param name="groupId">The group id.</param>
    public static LiveTopic Group(string groupId) => new(LiveTopicKind.Group, groupId);

    /// <summary>The topic of a user.</summary>
    /// <param name="userId">The user id.</param>
    public static LiveTopic User(string userId) => new(LiveTopicKind.User, userId);

    /// <inheritdoc />
    public override string ToString() => Kind == LiveTopicKind.Group ? $"group {LiveIdentity.Redact(Id)}" : $"user {Id}";
}
