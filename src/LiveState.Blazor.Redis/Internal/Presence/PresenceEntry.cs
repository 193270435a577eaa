using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// One circuit as presence carries it: the value of its field in the presence hashes of its groups and user
/// (<c>pg:</c>, <c>pu:</c>) and of its server (<c>ps:</c>), and an entry of a presence message. Compact JSON:
/// <c>{"v":2,"s":server,"i":circuit,"g":group,"u":user,"m":[memberships],"c":connected,"o":openedAtMs}</c>; a removal is
/// <c>{"i":circuit}</c>. Unknown fields are ignored (see <see cref="WireFormat"/>).
/// </summary>
internal sealed class PresenceEntry
{
    public int Version { get; init; } = WireFormat.Version;

    /// <summary>The server the circuit lives on.</summary>
    public string? Server { get; init; }

    public required string CircuitId { get; init; }

    /// <summary>Null when the circuit left (closed, or moved out of the topic).</summary>
    public string? GroupId { get; init; }

    public string? UserId { get; init; }

    public string[]? Memberships { get; init; }

    public bool Connected { get; init; }

    /// <summary>Unix milliseconds.</summary>
    public long OpenedAt { get; init; }

    public bool IsRemoval => GroupId is null;

    public static PresenceEntry From(string serverId, LiveCircuitInfo circuit) => new()
    {
        Server = serverId,
        CircuitId = circuit.CircuitId,
        GroupId = circuit.GroupId,
        UserId = circuit.UserId,
        Memberships = circuit.Identity.Memberships.Count == 0 ? null : [.. circuit.Identity.Memberships],
        Connected = circuit.IsConnected,
        OpenedAt = circuit.OpenedAt.ToUnixTimeMilliseconds(),
    };

    public static PresenceEntry Removal(string circuitId) => new() { CircuitId = circuitId };

    /// <summary>The groups (its own, then its memberships) and the user whose presence holds this circuit.</summary>
    public IEnumerable<LiveTopic> Topics()
    {
        if (GroupId is null)
        {
            yield break;
        }

        yield return LiveTopic.Group(GroupId);
        foreach (var membership in Memberships ?? [])
        {
            if (membership != GroupId)
            {
                yield return LiveTopic.Group(membership);
            }
        }

        if (UserId is { } userId)
        {
            yield return LiveTopic.User(userId);
        }
    }

    public LiveCircuitInfo ToInfo() =>
        new(CircuitId, new LiveIdentity(GroupId!, UserId, Memberships), Connected, DateTimeOffset.FromUnixTimeMilliseconds(OpenedAt));

    /// <summary>Whether it says the same as <paramref name="other"/> (a rewrite of an unchanged circuit is not a change).</summary>
    public bool SameAs(PresenceEntry? other) =>
        other is not null
        && other.CircuitId == CircuitId && other.Server == Server && other.GroupId == GroupId && other.UserId == UserId
        && other.Connected == Connected && other.OpenedAt == OpenedAt
        && (other.Memberships ?? []).SequenceEqual(Memberships ?? [], StringComparer.Ordinal);

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (IsRemoval)
        {
            writer.WriteString("i"u8, CircuitId);
            writer.WriteEndObject();
            return;
        }

        writer.WriteNumber("v"u8, Version);
        writer.WriteString("s"u8, Server);
        writer.WriteString("i"u8, CircuitId);
        writer.WriteString("g"u8, GroupId);
        if (UserId is not null)
        {
            writer.WriteString("u"u8, UserId);
        }

        if (Memberships is { Length: > 0 } memberships)
        {
            writer.WriteStartArray("m"u8);
            foreach (var membership in memberships)
            {
                writer.WriteStringValue(membership);
            }

            writer.WriteEndArray();
        }

        writer.WriteBoolean("c"u8, Connected);
        writer.WriteNumber("o"u8, OpenedAt);
        writer.WriteEndObject();
    }

    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an entry at the reader's current token (the start of its object). Throws on malformed JSON.</summary>
    public static PresenceEntry Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Not an object.");
        }

        int version = 0;
        string? server = null, circuit = null, group = null, user = null;
        List<string>? memberships = null;
        var connected = false;
        long openedAt = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("v"u8))
            {
                reader.Read();
                version = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("s"u8))
            {
                reader.Read();
                server = reader.GetString();
            }
            else if (reader.ValueTextEquals("i"u8))
            {
                reader.Read();
                circuit = reader.GetString();
            }
            else if (reader.ValueTextEquals("g"u8))
            {
                reader.Read();
                group = reader.GetString();
            }
            else if (reader.ValueTextEquals("u"u8))
            {
                reader.Read();
                user = reader.GetString();
            }
            else if (reader.ValueTextEquals("m"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("Memberships are not an array.");
                }

                memberships = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    memberships.Add(reader.GetString() ?? throw new JsonException("A null membership."));
                }
            }
            else if (reader.ValueTextEquals("c"u8))
            {
                reader.Read();
                connected = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("o"u8))
            {
                reader.Read();
                openedAt = reader.GetInt64();
            }
            else
            {
                // A field of a newer version: ignored.
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("The entry does not end.");
        }

        return new PresenceEntry
        {
            Version = version,
            Server = server,
            CircuitId = circuit ?? string.Empty,
            GroupId = group,
            UserId = user,
            Memberships = memberships is null ? null : [.. memberships],
            Connected = connected,
            OpenedAt = openedAt,
        };
    }

    /// <summary>
    /// Whether LiveState can use this entry: a circuit id, a readable version, and, unless it is a removal, a server and
    /// fields that <see cref="LiveIdentity"/> and the clock accept.
    /// </summary>
    public bool IsValid(out string problem)
    {
        if (string.IsNullOrEmpty(CircuitId))
        {
            problem = "no circuit";
            return false;
        }

        if (!IsRemoval && Version != WireFormat.Version)
        {
            problem = Version > WireFormat.Version
                ? $"wire format version {Version}, newer than this server's {WireFormat.Version}"
                : $"wire format version {Version}, older than this server's {WireFormat.Version}";
            return false;
        }

        if (!IsRemoval && (string.IsNullOrEmpty(Server)
            || string.IsNullOrWhiteSpace(GroupId)
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

    /// <summary>Reads a presence hash value of any server or version; never throws. On false, <paramref name="problem"/> says what was wrong.</summary>
    public static bool TryParse(RedisValue value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PresenceEntry? entry, out string problem)
    {
        entry = null;
        if (value.IsNullOrEmpty)
        {
            problem = "empty";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader((byte[])value!, new JsonReaderOptions { MaxDepth = 8 });
            reader.Read();
            entry = Read(ref reader);
        }
        catch (Exception ex) when (WireFormat.IsParseFailure(ex))
        {
            problem = $"not a LiveState presence entry: {ex.GetType().Name}";
            return false;
        }

        if (entry.IsRemoval)
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
