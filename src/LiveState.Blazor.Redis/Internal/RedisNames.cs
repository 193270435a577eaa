using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Where LiveState keeps things in Redis, all under the app's prefixes:
/// <c>{key}group:{groupId}</c> (a hash of the group's slots), <c>{key}presence:{serverId}</c> (a hash of one
/// server's circuits), <c>{key}servers</c> (a set of the server ids that may have presence),
/// <c>{key}dataprotection-keys</c> (a list), and one pub/sub channel <c>{channel}events</c>. No script touches two
/// keys, so the layout also works on Redis Cluster.
/// </summary>
internal sealed class RedisNames
{
    private const string GroupSegment = "group:";
    private const string PresenceSegment = "presence:";

    private readonly string _groupPrefix;
    private readonly string _presencePrefix;

    public RedisNames(IOptions<RedisLiveStateOptions> options)
        : this(options.Value.KeyPrefix!, options.Value.ChannelPrefix!)
    {
    }

    public RedisNames(string keyPrefix, string channelPrefix)
    {
        _groupPrefix = keyPrefix + GroupSegment;
        _presencePrefix = keyPrefix + PresenceSegment;
        GroupPattern = Escape(_groupPrefix) + "*";
        Servers = keyPrefix + "servers";
        DataProtectionKeys = keyPrefix + "dataprotection-keys";
        Events = RedisChannel.Literal(channelPrefix + "events");
    }

    /// <summary>The SCAN pattern of every group hash.</summary>
    public string GroupPattern { get; }

    /// <summary>The set of server ids that published presence (dead ones are pruned when found without a hash).</summary>
    public RedisKey Servers { get; }

    public RedisKey DataProtectionKeys { get; }

    /// <summary>The app's one channel: broadcasts and presence, in the order they were published.</summary>
    public RedisChannel Events { get; }

    public RedisKey Group(string groupId) => _groupPrefix + groupId;

    public string GroupIdOf(string key) => key[_groupPrefix.Length..];

    public RedisKey Presence(string serverId) => _presencePrefix + serverId;

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
