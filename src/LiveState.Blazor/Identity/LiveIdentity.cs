using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace LiveState.Blazor;

/// <summary>
/// Who a circuit belongs to and which shared state it sees.
/// </summary>
/// <remarks>
/// <see cref="UserId"/> answers "who are you" (null when anonymous); <see cref="GroupId"/> answers
/// "which session group do you share state with". The default resolver uses <c>user:{id}</c> for
/// signed-in users and <c>browser:{hash}</c> for anonymous browsers (see <see cref="BrowserGroup"/>), so a user never
/// lands in a browser's group. Group ids are not secrets: apps may show, log and pass them.
/// A custom resolver may add <see cref="Memberships"/>: further groups (a team, a workspace) the circuit belongs
/// to, so broadcasts and presence for those groups reach it too.
/// </remarks>
public sealed class LiveIdentity : IEquatable<LiveIdentity>
{
    private readonly string[] _memberships = [];

    /// <summary>Creates an identity.</summary>
    /// <param name="groupId">The session group whose state the circuit shares. Must not be empty.</param>
    /// <param name="userId">The signed-in user's id, or <see langword="null"/> when anonymous.</param>
    /// <param name="memberships">Further groups the circuit belongs to (for example <c>team:red</c>); duplicates and the primary group are ignored.</param>
    /// <exception cref="ArgumentException"><paramref name="groupId"/> is null or white space, <paramref name="userId"/> is empty, or a membership is empty.</exception>
    public LiveIdentity(string groupId, string? userId = null, IEnumerable<string>? memberships = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        if (userId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        }

        GroupId = groupId;
        UserId = userId;
        if (memberships is not null)
        {
            var list = new List<string>();
            foreach (var membership in memberships)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(membership, nameof(memberships));
                if (membership != groupId && !list.Contains(membership))
                {
                    list.Add(membership);
                }
            }

            list.Sort(StringComparer.Ordinal);
            _memberships = list.ToArray();
        }
    }

    /// <summary>The session group whose state this circuit shares.</summary>
    public string GroupId { get; }

    /// <summary>The signed-in user's id, or <see langword="null"/> for an anonymous browser.</summary>
    public string? UserId { get; }

    /// <summary>Further groups the circuit belongs to besides <see cref="GroupId"/> (sorted, distinct). Empty by default.</summary>
    public IReadOnlyList<string> Memberships => _memberships;

    /// <summary>Whether the identity belongs to a signed-in user.</summary>
    public bool IsAuthenticated => UserId is not null;

    /// <summary>Whether the circuit belongs to <paramref name="groupId"/>, as its own group or a membership.</summary>
    /// <param name="groupId">The group id.</param>
    public bool BelongsTo(string groupId) =>
        string.Equals(GroupId, groupId, StringComparison.Ordinal) || _memberships.AsSpan().Contains(groupId);

    /// <inheritdoc />
    public bool Equals(LiveIdentity? other) =>
        other is not null
        && string.Equals(GroupId, other.GroupId, StringComparison.Ordinal)
        && string.Equals(UserId, other.UserId, StringComparison.Ordinal)
        && Memberships.SequenceEqual(other.Memberships, StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LiveIdentity);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(GroupId, UserId, Memberships.Count);

    /// <summary>Whether two identities are equal.</summary>
    public static bool operator ==(LiveIdentity? left, LiveIdentity? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two identities differ.</summary>
    public static bool operator !=(LiveIdentity? left, LiveIdentity? right) => !(left == right);

    /// <summary>Group id prefix of a signed-in user's group.</summary>
    public const string UserGroupPrefix = "user:";

    /// <summary>Group id prefix of an anonymous browser's group.</summary>
    public const string BrowserGroupPrefix = "browser:";

    /// <summary>The group id the default resolver gives a signed-in user.</summary>
    /// <param name="userId">The user's id.</param>
    public static string UserGroup(string userId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return UserGroupPrefix + userId;
    }

    /// <summary>
    /// The group id the default resolver gives an anonymous browser: <c>browser:</c> followed by a one-way hash of the
    /// browser id, the same on every server and after every restart.
    /// </summary>
    /// <remarks>
    /// The hash is the first 24 bytes of SHA-256 over <c>livestate.browser-group.v1:</c> and the browser id, base64url
    /// encoded (32 characters). A browser id is 256 random bits, so the hash can be neither inverted nor searched:
    /// knowing a group id tells nothing of the browser id, and only the browser id (sealed in the cookie) lets a
    /// browser join the group. So a group id is not a secret and may be shown, logged and passed around.
    /// </remarks>
    /// <param name="browserId">The browser id carried by the LiveState cookie.</param>
    public static string BrowserGroup(string browserId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(browserId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(BrowserGroupHashLabel + browserId), hash);
        return BrowserGroupPrefix + Base64Url.EncodeToString(hash[..BrowserGroupHashBytes]);
    }

    // Versioned: another derivation would use a new label, never silently map a browser to another group.
    private const string BrowserGroupHashLabel = "livestate.browser-group.v1:";
    private const int BrowserGroupHashBytes = 24;

    /// <inheritdoc />
    public override string ToString() => UserId is null ? $"anonymous ({Redact(GroupId)})" : $"{UserId} ({Redact(GroupId)})";

    /// <summary>Group id prefix of a circuit that could be given neither a user nor a browser: it shares with nobody.</summary>
    internal const string PrivateGroupPrefix = "private:";

    /// <summary>A fresh identity in a group of its own.</summary>
    internal static LiveIdentity Private() =>
        new(PrivateGroupPrefix + Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    /// <summary>The longest group id logs, traces and exception messages show whole.</summary>
    internal const int MaxLoggedGroupIdLength = 128;

    /// <summary>
    /// A group id as logs, traces and exception messages show it. Group ids are not secrets (a browser's is a one-way
    /// hash of its id), so it is shown whole; only an id longer than <see cref="MaxLoggedGroupIdLength"/> (a custom
    /// resolver's, built from claims) is cut, so no unbounded value reaches a log line.
    /// </summary>
    internal static string Redact(string groupId) =>
        groupId.Length > MaxLoggedGroupIdLength
            ? string.Concat(groupId.AsSpan(0, MaxLoggedGroupIdLength), "…")
            : groupId;
}
