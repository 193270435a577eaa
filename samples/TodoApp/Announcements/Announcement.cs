using System.Collections.Immutable;
using LiveState.Blazor;

namespace TodoApp.Announcements;

public enum AudienceKind
{
    Everyone,
    Users,
    Group,
}

/// <summary>Who an announcement is for: everyone, some users (on all their devices), or one group.</summary>
public sealed record Audience(AudienceKind Kind, ImmutableArray<string> UserIds, string? GroupId)
{
    public static Audience Everyone { get; } = new(AudienceKind.Everyone, [], null);

    public static Audience ToUsers(IEnumerable<string> userIds) => new(AudienceKind.Users, [.. userIds.Distinct(StringComparer.Ordinal)], null);

    public static Audience ToGroup(string groupId) => new(AudienceKind.Group, [], groupId);

    /// <summary>Whether a circuit with this identity is a recipient.</summary>
    public bool Includes(LiveIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Kind switch
        {
            AudienceKind.Everyone => true,
            AudienceKind.Users => identity.UserId is { } id && UserIds.Contains(id, StringComparer.Ordinal),
            AudienceKind.Group => GroupId is not null && identity.BelongsTo(GroupId),
            _ => false,
        };
    }

    public string Describe() => Kind switch
    {
        AudienceKind.Everyone => "everyone",
        AudienceKind.Users => string.Join(", ", UserIds),
        _ => GroupId ?? "nobody",
    };
}

public sealed record Announcement(Guid Id, string Text, Audience Audience, string From, DateTimeOffset SentAt);
