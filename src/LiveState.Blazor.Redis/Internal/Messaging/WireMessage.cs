using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>What a message asks of the servers that receive it.</summary>
internal enum WireKind
{
    /// <summary>Re-render the circuits of group <see cref="WireMessage.GroupId"/>.</summary>
    Group = 1,

    /// <summary>Re-render the circuits of the users in <see cref="WireMessage.Ids"/>.</summary>
    Users = 2,

    /// <summary>Re-render every circuit.</summary>
    All = 3,

    /// <summary>Re-render the circuits whose ids are in <see cref="WireMessage.Ids"/> (chosen by the sender: a filter, or one circuit).</summary>
    Circuits = 4,

    /// <summary>Slot <see cref="WireMessage.SlotKey"/> of the group changed (none: every slot, as after a delete), with its version and maybe its value.</summary>
    Slot = 5,

    /// <summary>The sender's circuits in the topic changed: <see cref="WireMessage.Entries"/>, numbered.</summary>
    PresenceDelta = 20,

    /// <summary>Every circuit the sender has in the topic: <see cref="WireMessage.Entries"/> replace what was known of it there.</summary>
    PresenceSnapshot = 21,

    /// <summary>Server <see cref="WireMessage.GoneServer"/> left, or died and was removed: forget its circuits in the topic.</summary>
    ServerGone = 22,
}

/// <summary>
/// The version of what servers write for each other: channel messages and presence entries. The rule
/// (docs/scaling.md, "Rolling deploys"): a newer server may add fields and message kinds without changing it, and an
/// older one ignores what it does not know; a change an older server would misread raises it, and a server skips (and
/// logs) what carries a version above its own. Version 2 routes by topic: a server of version 1 shares no channel or
/// presence key with it, save the channel to every server, where each skips the other's messages.
/// </summary>
internal static class WireFormat
{
    public const int Version = 2;

    /// <summary>The exceptions a reader of untrusted JSON may throw.</summary>
    public static bool IsParseFailure(Exception exception) =>
        exception is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException;
}

/// <summary>
/// One message on a LiveState channel, as compact JSON: <c>"v"</c> version, <c>"s"</c> sender, <c>"k"</c> kind, then by
/// kind <c>"g"</c> group, <c>"t"</c> ids, <c>"x"</c> circuit left out, <c>"n"</c> slot key, <c>"r"</c> slot version,
/// <c>"d"</c> the slot's value (its own JSON, embedded as is), <c>"tk"</c>/<c>"ti"</c> topic, <c>"q"</c> sequence,
/// <c>"p"</c> previous sequence, <c>"l"</c> last, <c>"e"</c> presence entries, <c>"o"</c> the server gone. Unknown fields
/// and kinds are ignored, so that a newer server can add some.
/// </summary>
internal sealed class WireMessage
{
    public int Version { get; init; } = WireFormat.Version;

    public required string Server { get; init; }

    public WireKind Kind { get; init; }

    public string? GroupId { get; init; }

    public string[]? Ids { get; init; }

    public string? Except { get; init; }

    public string? SlotKey { get; init; }

    public long SlotVersion { get; init; }

    /// <summary>The slot's value (System.Text.Json of its declared type), or empty.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    public LiveTopic? Topic { get; init; }

    /// <summary>The sender's sequence number of this presence write (increasing per sender, across its topics).</summary>
    public long Sequence { get; init; }

    /// <summary>The sequence number of the sender's previous presence write in this topic (0: none known).</summary>
    public long Previous { get; init; }

    /// <summary>The sender has no circuit left in the topic.</summary>
    public bool Last { get; init; }

    public PresenceEntry[]? Entries { get; init; }

    public string? GoneServer { get; init; }

    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(128 + Payload.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            writer.WriteString("s"u8, Server);
            writer.WriteNumber("k"u8, (int)Kind);
            if (GroupId is not null)
            {
                writer.WriteString("g"u8, GroupId);
            }

            if (Ids is not null)
            {
                writer.WriteStartArray("t"u8);
                foreach (var id in Ids)
                {
                    writer.WriteStringValue(id);
                }

                writer.WriteEndArray();
            }

            if (Except is not null)
            {
                writer.WriteString("x"u8, Except);
            }

            if (SlotKey is not null)
            {
                writer.WriteString("n"u8, SlotKey);
            }

            if (SlotVersion != 0)
            {
                writer.WriteNumber("r"u8, SlotVersion);
            }

            if (!Payload.IsEmpty)
            {
                writer.WritePropertyName("d"u8);
                writer.WriteRawValue(Payload.Span, skipInputValidation: true);
            }

            if (Topic is { } topic)
            {
                writer.WriteString("tk"u8, topic.Kind == LiveTopicKind.Group ? "g"u8 : "u"u8);
                writer.WriteString("ti"u8, topic.Id);
            }

            if (Sequence != 0)
            {
                writer.WriteNumber("q"u8, Sequence);
            }

            if (Previous != 0)
            {
                writer.WriteNumber("p"u8, Previous);
            }

            if (Last)
            {
                writer.WriteBoolean("l"u8, true);
            }

            if (Entries is not null)
            {
                writer.WriteStartArray("e"u8);
                foreach (var entry in Entries)
                {
                    entry.WriteTo(writer);
                }

                writer.WriteEndArray();
            }

            if (GoneServer is not null)
            {
                writer.WriteString("o"u8, GoneServer);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a message written by any server (any version) or by anyone else who can publish; never throws. The payload
    /// is a slice of <paramref name="value"/>'s bytes.
    /// </summary>
    public static WireParse TryParse(RedisValue value, out WireMessage? message, out string problem)
    {
        message = null;
        byte[]? bytes = value.IsNullOrEmpty ? null : (byte[]?)value;
        if (bytes is null || bytes.Length == 0)
        {
            problem = "empty";
            return WireParse.Unreadable;
        }

        try
        {
            message = Read(bytes);
        }
        catch (Exception ex) when (WireFormat.IsParseFailure(ex))
        {
            problem = $"not a LiveState message: {ex.GetType().Name}";
            return WireParse.Unreadable;
        }

        if (message.Version < WireFormat.Version)
        {
            // Version 1 (or no version: written before the field) came from a server of an older LiveState during a deploy.
            problem = $"wire format version {message.Version}, older than this server's {WireFormat.Version}";
            message = null;
            return WireParse.Older;
        }

        if (message.Version > WireFormat.Version)
        {
            problem = $"wire format version {message.Version}, newer than this server's {WireFormat.Version}";
            message = null;
            return WireParse.Unreadable;
        }

        if (string.IsNullOrEmpty(message.Server))
        {
            problem = "no sender";
            message = null;
            return WireParse.Unreadable;
        }

        if (!message.IsComplete(out problem))
        {
            message = null;
            return WireParse.Unreadable;
        }

        problem = string.Empty;
        return WireParse.Ok;
    }

    // Whether the fields its kind needs are there and usable; unknown kinds pass (ignored by the receiver).
    private bool IsComplete(out string problem)
    {
        problem = string.Empty;
        switch (Kind)
        {
            case WireKind.Group or WireKind.Slot when string.IsNullOrEmpty(GroupId):
                problem = "no group";
                return false;
            case WireKind.Users or WireKind.Circuits when Ids is null || Ids.Any(string.IsNullOrEmpty):
                problem = "no ids";
                return false;
            case WireKind.PresenceDelta or WireKind.PresenceSnapshot or WireKind.ServerGone when Topic is null:
                problem = "no topic";
                return false;
            case WireKind.PresenceDelta or WireKind.PresenceSnapshot when Entries is null || Sequence <= 0 || Previous < 0:
                problem = "no entries or sequence";
                return false;
            case WireKind.ServerGone when string.IsNullOrEmpty(GoneServer):
                problem = "no server";
                return false;
        }

        if (Entries is not null)
        {
            foreach (var entry in Entries)
            {
                if (!entry.IsValid(out problem) || (!entry.IsRemoval && entry.Server != Server))
                {
                    problem = problem.Length == 0 ? "an entry of another server" : problem;
                    return false;
                }
            }
        }

        return true;
    }

    private static WireMessage Read(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Not an object.");
        }

        // Absent: written before the field existed, by version 1.
        int version = 1;
        string? server = null, group = null, except = null, slot = null, topicKind = null, topicId = null, gone = null;
        var kind = 0;
        long slotVersion = 0, sequence = 0, previous = 0;
        var last = false;
        string[]? ids = null;
        PresenceEntry[]? entries = null;
        ReadOnlyMemory<byte> payload = default;
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
            else if (reader.ValueTextEquals("k"u8))
            {
                reader.Read();
                kind = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("g"u8))
            {
                reader.Read();
                group = reader.GetString();
            }
            else if (reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                ids = ReadStrings(ref reader);
            }
            else if (reader.ValueTextEquals("x"u8))
            {
                reader.Read();
                except = reader.GetString();
            }
            else if (reader.ValueTextEquals("n"u8))
            {
                reader.Read();
                slot = reader.GetString();
            }
            else if (reader.ValueTextEquals("r"u8))
            {
                reader.Read();
                slotVersion = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("d"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                payload = bytes.AsMemory(start, (int)reader.BytesConsumed - start);
            }
            else if (reader.ValueTextEquals("tk"u8))
            {
                reader.Read();
                topicKind = reader.GetString();
            }
            else if (reader.ValueTextEquals("ti"u8))
            {
                reader.Read();
                topicId = reader.GetString();
            }
            else if (reader.ValueTextEquals("q"u8))
            {
                reader.Read();
                sequence = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("p"u8))
            {
                reader.Read();
                previous = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("l"u8))
            {
                reader.Read();
                last = reader.GetBoolean();
            }
            else if (reader.ValueTextEquals("e"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("Entries are not an array.");
                }

                var list = new List<PresenceEntry>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(PresenceEntry.Read(ref reader));
                }

                entries = [.. list];
            }
            else if (reader.ValueTextEquals("o"u8))
            {
                reader.Read();
                gone = reader.GetString();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        LiveTopic? topic = (topicKind, topicId) switch
        {
            ("g", { Length: > 0 } id) => LiveTopic.Group(id),
            ("u", { Length: > 0 } id) => LiveTopic.User(id),
            (null, _) => null,
            _ => throw new JsonException("An unknown topic."),
        };

        return new WireMessage
        {
            Version = version,
            Server = server ?? string.Empty,
            Kind = (WireKind)kind,
            GroupId = group,
            Ids = ids,
            Except = except,
            SlotKey = slot,
            SlotVersion = slotVersion,
            Payload = payload,
            Topic = topic,
            Sequence = sequence,
            Previous = previous,
            Last = last,
            Entries = entries,
            GoneServer = gone,
        };
    }

    private static string[] ReadStrings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Not an array.");
        }

        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(reader.GetString() ?? string.Empty);
        }

        return [.. list];
    }

    public override string ToString() => $"{Kind} from {Redaction.Bounded(Server)}";
}

/// <summary>How reading a message went.</summary>
internal enum WireParse
{
    Ok,

    /// <summary>Not a message this server can read (garbled, or of a newer version): logged and skipped.</summary>
    Unreadable,

    /// <summary>A message of an older LiveState (during a deploy): skipped quietly.</summary>
    Older,
}
