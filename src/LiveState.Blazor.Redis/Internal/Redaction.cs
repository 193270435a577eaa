namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// How ids reach log lines and exception texts: a group id whole (it is not a secret: an anonymous browser's is a
/// one-way hash of its browser id), cut only when unusually long (a custom resolver's, built from claims), as the core
/// shows them; a value read from Redis (a server id) bounded, since anyone who can write to Redis chooses it.
/// </summary>
internal static class Redaction
{
    /// <summary>The longest group id shown whole (the core's limit).</summary>
    public const int MaxGroupIdLength = 128;

    public static string Group(string groupId) =>
        groupId.Length > MaxGroupIdLength ? string.Concat(groupId.AsSpan(0, MaxGroupIdLength), "…") : groupId;

    public static string Bounded(string value, int max = 64) =>
        value.Length > max ? string.Concat(value.AsSpan(0, max), "…") : value;
}
