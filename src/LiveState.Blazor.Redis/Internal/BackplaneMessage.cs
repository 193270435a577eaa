using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>What a message on the app's channel asks of the servers that receive it.</summary>
internal enum MessageKind
{
    /// <summary>Re-render the circuits of group <c>Targets[0]</c> (its state may have changed).</summary>
    Group = 1,

    /// <summary>Re-render the circuits of the users in <c>Targets</c>.</summary>
    Users = 2,

    /// <summary>Re-render every circuit.</summary>
    All = 3,

    /// <summary>Re-render the circuits whose ids are in <c>Targets</c> (a filtered broadcast, or one circuit).</summary>
    Circuits = 4,

    /// <summary>Slot <c>Targets[1]</c> of group <c>Targets[0]</c> changed (no <c>Targets[1]</c>: every slot, as after a delete): refresh it, re-render its readers.</summary>
    Slot = 5,

    /// <summary>The sender's circuits changed: <c>Changes</c>, numbered <c>Sequence</c>.</summary>
    Presence = 10,

    /// <summary>The sender is alive; its presence is at <c>Sequence</c>.</summary>
    Heartbeat = 11,

    /// <summary>The sender rewrote its whole presence hash at <c>Sequence</c>: read it again.</summary>
    Snapshot = 12,

    /// <summary>The sender is shutting down: forget its circuits.</summary>
    Leave = 13,
}

/// <summary>
/// The version of what servers write for each other: channel messages and presence hash entries. The rule
/// (docs/scaling.md, "Rolling deploys"): a newer server may add fields and message kinds without changing it, and
/// an older one ignores what it does not know; a change an older server would misread raises it, and a server
/// skips (and logs) what carries a version above its own. Absent (0) means 1: written before the field existed.
/// </summary>
internal static class WireFormat
{
    public const int Version = 1;

    public static bool IsReadable(int version) => version <= Version;
}

/// <summary>
/// One message on the app's channel, as compact JSON. Every server ignores its own (by <see cref="Server"/>).
/// Unknown fields and kinds are ignored, so a newer server can add some (see <see cref="WireFormat"/>).
/// </summary>
internal sealed class BackplaneMessage
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = WireFormat.Version;

    [JsonPropertyName("s")]
    public required string Server { get; init; }

    [JsonPropertyName("k")]
    public MessageKind Kind { get; init; }

    [JsonPropertyName("t")]
    public string[]? Targets { get; init; }

    [JsonPropertyName("x")]
    public string? Except { get; init; }

    [JsonPropertyName("q")]
    public long Sequence { get; init; }

    [JsonPropertyName("p")]
    public PresenceEntry[]? Changes { get; init; }

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, BackplaneJson.Default.BackplaneMessage);

    public static BackplaneMessage? Parse(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize(utf8, BackplaneJson.Default.BackplaneMessage);

    /// <summary>
    /// Reads a message written by any server (any version) or by anyone else; never throws. On false,
    /// <paramref name="problem"/> says what was wrong, without repeating the content.
    /// </summary>
    public static bool TryParse(StackExchange.Redis.RedisValue value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BackplaneMessage? message, out string problem)
    {
        message = null;
        if (value.IsNullOrEmpty)
        {
            problem = "empty";
            return false;
        }

        try
        {
            message = Parse((byte[])value!);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            problem = $"not a LiveState message: {ex.GetType().Name}";
            return false;
        }

        if (message is null || string.IsNullOrEmpty(message.Server))
        {
            message = null;
            problem = "no sender";
            return false;
        }

        if (!WireFormat.IsReadable(message.Version))
        {
            problem = $"wire format version {message.Version}, newer than this server's {WireFormat.Version}";
            message = null;
            return false;
        }

        problem = string.Empty;
        return true;
    }
}

/// <summary>One circuit as presence carries it: a field of its server's presence hash, and an entry of a change.</summary>
internal sealed class PresenceEntry
{
    [JsonPropertyName("v")]
    public int Version { get; init; } = WireFormat.Version;

    [JsonPropertyName("i")]
    public required string CircuitId { get; init; }

    /// <summary>Null when the circuit closed.</summary>
    [JsonPropertyName("g")]
    public string? GroupId { get; init; }

    [JsonPropertyName("u")]
    public string? UserId { get; init; }

    [JsonPropertyName("m")]
    public string[]? Memberships { get; init; }

    [JsonPropertyName("c")]
    public bool Connected { get; init; }

    /// <summary>Unix milliseconds.</summary>
    [JsonPropertyName("o")]
    public long OpenedAt { get; init; }

    public bool IsRemoval => GroupId is null;

    public static PresenceEntry From(LiveCircuitInfo circuit) => new()
    {
        CircuitId = circuit.CircuitId,
        GroupId = circuit.GroupId,
        UserId = circuit.UserId,
        Memberships = circuit.Identity.Memberships.Count == 0 ? null : [.. circuit.Identity.Memberships],
        Connected = circuit.IsConnected,
        OpenedAt = circuit.OpenedAt.ToUnixTimeMilliseconds(),
    };

    public static PresenceEntry Removal(string circuitId) => new() { CircuitId = circuitId };

    public LiveCircuitInfo ToInfo() =>
        new(CircuitId, new LiveIdentity(GroupId!, UserId, Memberships), Connected, DateTimeOffset.FromUnixTimeMilliseconds(OpenedAt));

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, BackplaneJson.Default.PresenceEntry);

    public static PresenceEntry? Parse(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize(utf8, BackplaneJson.Default.PresenceEntry);

    /// <summary>
    /// Whether LiveState can use this entry (of a hash, or a change in a message): a circuit id, a readable version,
    /// and, unless it is a removal, fields that <see cref="LiveIdentity"/> and the clock accept.
    /// </summary>
    public bool IsValid(out string problem)
    {
        if (string.IsNullOrEmpty(CircuitId))
        {
            problem = "no circuit";
            return false;
        }

        if (!WireFormat.IsReadable(Version))
        {
            problem = $"wire format version {Version}, newer than this server's {WireFormat.Version}";
            return false;
        }

        if (!IsRemoval && (string.IsNullOrWhiteSpace(GroupId)
            || (UserId is not null && string.IsNullOrWhiteSpace(UserId))
            || (Memberships?.Any(string.IsNullOrWhiteSpace) ?? false)
            || OpenedAt is < -62_135_596_800_000 or > 253_402_300_799_999))
        {
            problem = "a field out of range";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>Reads a presence hash entry of any server or version; never throws. See <see cref="BackplaneMessage.TryParse"/>.</summary>
    public static bool TryParse(StackExchange.Redis.RedisValue value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PresenceEntry? entry, out string problem)
    {
        entry = null;
        if (value.IsNullOrEmpty)
        {
            problem = "empty";
            return false;
        }

        try
        {
            entry = Parse((byte[])value!);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            problem = $"not a LiveState presence entry: {ex.GetType().Name}";
            return false;
        }

        if (entry is null || entry.IsRemoval)
        {
            entry = null;
            problem = "no circuit or group";
            return false;
        }

        if (!entry.IsValid(out problem))
        {
            entry = null;
            return false;
        }

        return true;
    }
}

[JsonSerializable(typeof(BackplaneMessage))]
[JsonSerializable(typeof(PresenceEntry))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
internal sealed partial class BackplaneJson : JsonSerializerContext;
