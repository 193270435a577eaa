using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>What leaving and reaping have in common: taking one server's circuits out of the presence of its topics.</summary>
internal static class PresenceKeys
{
    /// <summary>
    /// How long a presence key lives without a write: far beyond any lease (entries of a dead server are removed by a
    /// reaper, and ignored meanwhile), and renewed well before it ends by the servers with circuits in it.
    /// </summary>
    public static TimeSpan Lifetime(RedisLiveStateOptions options)
    {
        var tenTimeouts = options.PresenceTimeout * 10;
        return tenTimeouts > TimeSpan.FromHours(1) ? tenTimeouts : TimeSpan.FromHours(1);
    }

    /// <summary>
    /// Removes <paramref name="serverId"/>'s circuits from the presence of their groups and users, publishing on each
    /// topic's channel that the server is gone (sent by <paramref name="senderId"/>), then deletes its own hash. Returns
    /// the topics touched.
    /// </summary>
    public static async Task<int> RemoveServerAsync(IDatabase database, RedisNames names, string serverId, string senderId, IEnumerable<PresenceEntry> entries, bool sharded, long lifetimeMilliseconds)
    {
        var byTopic = new Dictionary<LiveTopic, List<string>>();
        foreach (var entry in entries)
        {
            foreach (var topic in entry.Topics())
            {
                if (!byTopic.TryGetValue(topic, out var ids))
                {
                    byTopic[topic] = ids = [];
                }

                ids.Add(entry.CircuitId);
            }
        }

        var publish = PubSubMode.PublishCommand(sharded);
        var pending = new List<Task>();
        foreach (var (topic, ids) in byTopic)
        {
            var message = new WireMessage { Server = senderId, Kind = WireKind.ServerGone, Topic = topic, GoneServer = serverId };
            var arguments = new RedisValue[6 + (2 * ids.Count)];
            arguments[0] = publish;
            arguments[1] = names.TopicChannel(topic);
            arguments[2] = message.ToUtf8();
            arguments[3] = lifetimeMilliseconds;
            arguments[4] = PresenceScripts.SequenceFieldPrefix + serverId;
            arguments[5] = RedisValue.EmptyString;
            for (var i = 0; i < ids.Count; i++)
            {
                arguments[6 + (2 * i)] = ids[i];
                arguments[7 + (2 * i)] = RedisValue.EmptyString;
            }

            pending.Add(database.ScriptEvaluateAsync(PresenceScripts.WriteTopic, [names.Presence(topic)], arguments));
            if (pending.Count >= 512)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        await database.KeyDeleteAsync(names.ServerPresence(serverId)).ConfigureAwait(false);
        return byTopic.Count;
    }
}
