using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Where LiveState keeps things in Redis, all under the app's prefixes. Keys: <c>{key}group:{groupId}</c> (a hash of
/// the group's slots), <c>{key}pg:{{groupId}}</c> and <c>{key}pu:{{userId}}</c> (the circuits of a group and of a user,
/// every server's), <c>{key}ps:{{serverId}}</c> (one server's circuits), <c>{key}alive</c> (each server's lease and
/// circuit count), <c>{key}reap:{{serverId}}</c> (who removes a dead server's circuits) and
/// <c>{key}dataprotection-keys</c>. Channels: <c>{channel}events</c> (to every server), <c>{channel}g:{{groupId}}</c>,
/// <c>{channel}u:{{userId}}</c> and <c>{channel}s:{{serverId}}</c> (to the servers hosting a group or a user, and to one
/// server).
/// </summary>
/// <remarks>
/// No script touches two keys, so the layout works on Redis Cluster. A group's presence key and its channel carry the
/// same hash tag (<see cref="Tag"/>): they live on one cluster node, so a script that writes the one publishes on the
/// other (a shard channel, <c>SPUBLISH</c>, where the server has them).
/// </remarks>
internal sealed class RedisNames
{
    private const string GroupSegment = "group:";

    private readonly string _keyPrefix;
    private readonly string _channelPrefix;
    private readonly string _groupPrefix;

    public RedisNames(IOptions<RedisLiveStateOptions> options)
        : this(options.Value.KeyPrefix!, options.Value.ChannelPrefix!)
    {
    }

    public RedisNames(string keyPrefix, string channelPrefix)
    {
        _keyPrefix = keyPrefix;
        _channelPrefix = channelPrefix;
        _groupPrefix = keyPrefix + GroupSegment;
        GroupPattern = Escape(_groupPrefix) + "*";
        Alive = keyPrefix + "alive";
        DataProtectionKeys = keyPrefix + "dataprotection-keys";
        Events = channelPrefix + "events";
    }

    /// <summary>The SCAN pattern of every group hash.</summary>
    public string GroupPattern { get; }

    /// <summary>A hash: server id → its lease (Redis time in ms until which it counts as alive) and circuit count.</summary>
    public RedisKey Alive { get; }

    public RedisKey DataProtectionKeys { get; }

    /// <summary>The channel every server listens on (broadcasts to all), as a name.</summary>
    public string Events { get; }

    public RedisKey Group(string groupId) => _groupPrefix + groupId;

    public string GroupIdOf(string key) => key[_groupPrefix.Length..];

    /// <summary>The circuits of a group or user, every server's: field circuit id, and per writing server <c>#s:{server}</c>.</summary>
    public RedisKey Presence(LiveTopic topic) => _keyPrefix + (topic.Kind == LiveTopicKind.Group ? "pg:" : "pu:") + Tag(topic.Id);

    /// <summary>One server's circuits: what it wrote into the presence of groups and users, so that it can be removed.</summary>
    public RedisKey ServerPresence(string serverId) => _keyPrefix + "ps:" + Tag(serverId);

    /// <summary>Taken by the one server that removes a dead server's presence.</summary>
    public RedisKey ReapLock(string serverId) => _keyPrefix + "reap:" + Tag(serverId);

    /// <summary>The channel of a group or a user: the servers hosting it listen.</summary>
    public string TopicChannel(LiveTopic topic) => _channelPrefix + (topic.Kind == LiveTopicKind.Group ? "g:" : "u:") + Tag(topic.Id);

    /// <summary>One server's own channel (circuits chosen elsewhere, by id).</summary>
    public string ServerChannel(string serverId) => _channelPrefix + "s:" + Tag(serverId);

    /// <summary>The pub/sub channel of a name: a shard channel when the server has them (Redis 7), a plain one otherwise.</summary>
    public static RedisChannel Channel(string name, bool sharded) => sharded ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);

    /// <summary>
    /// A Redis Cluster hash tag for an id: <c>{id}</c>, so that a key and a channel of one id share a slot. An id that holds
    /// a brace would end (or empty) the tag early, so it is tagged by a hash of itself and follows it whole (the name stays
    /// unique, the slot the same for every name built from it).
    /// </summary>
    public static string Tag(string id)
    {
        if (id.Length > 0 && id.AsSpan().IndexOfAny('{', '}') < 0)
        {
            return string.Concat("{", id, "}");
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(id), hash);
        return string.Concat("{#", Convert.ToHexStringLower(hash[..16]), "}", id);
    }

    /// <summary>Escapes Redis glob characters, so a prefix matches itself only.</summary>
    internal static string Escape(string literal)
    {
        var builder = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
