using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Where LiveState keeps things in Redis, all under the app's prefixes:
/// <c>{key}group:{groupId}</c> (a hash of the group's slots), <c>{key}presence:{serverId}</c> (a hash of one
/// server's circuits), <c>{key}dataprotection-keys</c> (a list), and one pub/sub channel <c>{channel}events</c>.
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
        PresencePattern = Escape(_presencePrefix) + "*";
        DataProtectionKeys = keyPrefix + "dataprotection-keys";
        Events = RedisChannel.Literal(channelPrefix + "events");
    }

    /// <summary>The SCAN pattern of every group hash.</summary>
    public string GroupPattern { get; }

    /// <summary>The SCAN pattern of every server's presence hash.</summary>
    public string PresencePattern { get; }

    public RedisKey DataProtectionKeys { get; }

    /// <summary>The app's one channel: broadcasts and presence, in the order they were published.</summary>
    public RedisChannel Events { get; }

    public RedisKey Group(string groupId) => _groupPrefix + groupId;

    public string GroupIdOf(string key) => key[_groupPrefix.Length..];

    public RedisKey Presence(string serverId) => _presencePrefix + serverId;

    public string ServerIdOf(string key) => key[_presencePrefix.Length..];

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
