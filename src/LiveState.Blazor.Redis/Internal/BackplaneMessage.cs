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
/// One message on the app's channel, as compact JSON. Every server ignores its own (by <see cref="Server"/>).
/// Unknown fields are ignored, so a newer server can add some.
/// </summary>
internal sealed class BackplaneMessage
{
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
}

/// <summary>One circuit as presence carries it: a field of its server's presence hash, and an entry of a change.</summary>
internal sealed class PresenceEntry
{
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
}

[JsonSerializable(typeof(BackplaneMessage))]
[JsonSerializable(typeof(PresenceEntry))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
internal sealed partial class BackplaneJson : JsonSerializerContext;
