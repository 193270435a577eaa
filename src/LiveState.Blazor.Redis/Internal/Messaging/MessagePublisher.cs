using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Sends what the core hands the backend to the servers that need it, and nowhere else: a group's broadcast or slot
/// change to the group's channel, a user's broadcast to the user's channel, a broadcast to all to the channel of every
/// server (one message), circuits to the channels of the servers that have them. A filter is decided here over the
/// live servers' own presence hashes (read from Redis, never held), and its matches sent by id to each one's channel.
/// </summary>
/// <remarks>
/// Each broadcast returns the circuits it targeted on other servers: for a group or user hosted here, from its kept
/// presence; otherwise from its presence hash, read with the publish. A slot change returns at once: the update's
/// caller does not wait for the message (a failure is logged).
/// A failure to publish is logged (once per outage as a warning), never thrown, and counts no circuit.
/// </remarks>
internal sealed class MessagePublisher
{
    // A broadcast waits this long at most for this server's pending presence changes to go out first.
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);

    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly PubSubMode _mode;
    private readonly HostedPresence _presence;
    private readonly PresenceWriter _writer;
    private readonly ILogger _logger;
    private int _failing;

    public MessagePublisher(RedisConnection connection, RedisNames names, ServerIdentity self, PubSubMode mode, HostedPresence presence, PresenceWriter writer, ILogger<MessagePublisher> logger)
    {
        _connection = connection;
        _names = names;
        _self = self;
        _mode = mode;
        _presence = presence;
        _writer = writer;
        _logger = logger;
    }

    public async ValueTask<int> PublishAsync(LiveMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var kind = KindOf(message);
        try
        {
            if (message.Kind == LiveMessageKind.SlotChanged)
            {
                PublishSlotChange(message);
                return 0;
            }

            // Circuit changes first: a server that re-renders for this broadcast then already counts them.
            var flushed = _writer.FlushAsync();
            if (!flushed.IsCompleted)
            {
                await flushed.WaitAsync(FlushTimeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            var multiplexer = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
            var sharded = _mode.Require(multiplexer);
            var targeted = message.Target switch
            {
                LiveTargetKind.All => await ToAllAsync(multiplexer, sharded, message).ConfigureAwait(false),
                LiveTargetKind.Group => await ToTopicsAsync(multiplexer, sharded, [LiveTopic.Group(message.GroupId!)], message).ConfigureAwait(false),
                LiveTargetKind.Users => await ToTopicsAsync(multiplexer, sharded, [.. message.Ids.Select(LiveTopic.User)], message).ConfigureAwait(false),
                LiveTargetKind.Circuits => await ToCircuitsAsync(multiplexer, sharded, message.Ids, message.ExceptCircuitId).ConfigureAwait(false),
                LiveTargetKind.Filter => await ToFilterAsync(multiplexer, sharded, message.Filter!, message.ExceptCircuitId, cancellationToken).ConfigureAwait(false),
                _ => 0,
            };
            Recovered();
            return targeted;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            Failed(kind, ex);
            return 0;
        }
    }

    /// <summary>Sends a slot change to the servers hosting its group, without waiting for Redis (a failure is logged).</summary>
    public void PublishSlotChange(LiveMessage message)
    {
        var wire = new WireMessage
        {
            Server = _self.Id,
            Kind = WireKind.Slot,
            GroupId = message.GroupId,
            SlotKey = message.SlotKey,
            SlotVersion = message.Version,
            Payload = message.Payload,
        };

        // The update is stored and its readers here are rendering: its caller does not wait for the other servers.
        var multiplexer = _connection.Current;
        if (multiplexer is null || _mode.Resolve(multiplexer) is not { } sharded)
        {
            Failed(WireKind.Slot, new LiveStateUnavailableException("Redis is unavailable."));
            return;
        }

        var published = multiplexer.GetSubscriber().PublishAsync(RedisNames.Channel(_names.TopicChannel(LiveTopic.Group(message.GroupId!)), sharded), wire.ToUtf8());
        if (published.IsCompletedSuccessfully)
        {
            Recovered();
            return;
        }

        _ = ObserveAsync(published);
    }

    private async Task ObserveAsync(Task<long> published)
    {
        try
        {
            await published.ConfigureAwait(false);
            Recovered();
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            Failed(WireKind.Slot, ex);
        }
        catch (Exception ex)
        {
            Log.PublishFailed(_logger, WireKind.Slot, RedisFailures.Scrub(ex));
        }
    }

    private async Task<int> ToAllAsync(IConnectionMultiplexer multiplexer, bool sharded, LiveMessage message)
    {
        var wire = new WireMessage { Server = _self.Id, Kind = WireKind.All, Except = message.ExceptCircuitId };
        await multiplexer.GetSubscriber().PublishAsync(RedisNames.Channel(_names.Events, sharded), wire.ToUtf8()).ConfigureAwait(false);
        var except = message.ExceptCircuitId is { } id && _presence.Find(id) is not null ? 1 : 0;
        return Math.Max(0, _presence.RemoteCount - except);
    }

    private async Task<int> ToTopicsAsync(IConnectionMultiplexer multiplexer, bool sharded, LiveTopic[] topics, LiveMessage message)
    {
        var subscriber = multiplexer.GetSubscriber();
        var database = multiplexer.GetDatabase();
        var published = new List<Task>(topics.Length);
        var reads = new List<Task<HashEntry[]>>();
        var targeted = 0;
        foreach (var topic in topics)
        {
            var wire = topic.Kind == LiveTopicKind.Group
                ? new WireMessage { Server = _self.Id, Kind = WireKind.Group, GroupId = topic.Id, Except = message.ExceptCircuitId }
                : new WireMessage { Server = _self.Id, Kind = WireKind.Users, Ids = [topic.Id], Except = message.ExceptCircuitId };
            published.Add(subscriber.PublishAsync(RedisNames.Channel(_names.TopicChannel(topic), sharded), wire.ToUtf8()));
            if (_presence.CircuitsOf(topic) is { } known)
            {
                targeted += CountExcept(known, message.ExceptCircuitId);
            }
            else
            {
                // Not hosted here: how many it reached elsewhere is in its presence hash, read in the same round trip.
                reads.Add(database.HashGetAllAsync(_names.Presence(topic)));
            }
        }

        await Task.WhenAll(published).ConfigureAwait(false);
        foreach (var read in reads)
        {
            foreach (var field in await read.ConfigureAwait(false))
            {
                if (PresenceEntry.TryParse(field.Value, out var entry, out _)
                    && entry.Server != _self.Id
                    && entry.CircuitId != message.ExceptCircuitId
                    && _presence.IsLive(entry.Server!))
                {
                    targeted++;
                }
            }
        }

        return targeted;
    }

    private async Task<int> ToCircuitsAsync(IConnectionMultiplexer multiplexer, bool sharded, IReadOnlyList<string> circuitIds, string? exceptCircuitId)
    {
        var byServer = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? unknown = null;
        foreach (var circuitId in circuitIds)
        {
            if (circuitId == exceptCircuitId)
            {
                continue;
            }

            if (_presence.ServerOf(circuitId) is { } server)
            {
                Add(byServer, server, circuitId);
            }
            else
            {
                (unknown ??= []).Add(circuitId);
            }
        }

        if (unknown is not null)
        {
            // Not in a topic hosted here: ask each live server's own hash, in one round trip.
            var database = multiplexer.GetDatabase();
            var servers = _presence.LiveServerIds();
            var asked = new List<(string Server, string Circuit, Task<bool> Has)>();
            foreach (var circuitId in unknown)
            {
                foreach (var server in servers)
                {
                    asked.Add((server, circuitId, database.HashExistsAsync(_names.ServerPresence(server), circuitId)));
                }
            }

            foreach (var (server, circuitId, has) in asked)
            {
                if (await has.ConfigureAwait(false))
                {
                    Add(byServer, server, circuitId);
                }
            }
        }

        return await ToServersAsync(multiplexer, sharded, byServer, exceptCircuitId).ConfigureAwait(false);
    }

    private async Task<int> ToFilterAsync(IConnectionMultiplexer multiplexer, bool sharded, Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId, CancellationToken cancellationToken)
    {
        var database = multiplexer.GetDatabase();
        var byServer = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var server in _presence.LiveServerIds())
        {
            // Streamed page by page: a filter costs a read of the cluster's presence, never a copy of it in memory.
            await foreach (var field in database.HashScanAsync(_names.ServerPresence(server), pageSize: 1_000).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (PresenceEntry.TryParse(field.Value, out var entry, out _)
                    && entry.Server == server
                    && entry.CircuitId != exceptCircuitId
                    && filter(entry.ToInfo()))
                {
                    Add(byServer, server, entry.CircuitId);
                }
            }
        }

        return await ToServersAsync(multiplexer, sharded, byServer, exceptCircuitId).ConfigureAwait(false);
    }

    private async Task<int> ToServersAsync(IConnectionMultiplexer multiplexer, bool sharded, Dictionary<string, List<string>> byServer, string? exceptCircuitId)
    {
        var subscriber = multiplexer.GetSubscriber();
        var published = new List<Task>(byServer.Count);
        var targeted = 0;
        foreach (var (server, circuits) in byServer)
        {
            var wire = new WireMessage { Server = _self.Id, Kind = WireKind.Circuits, Ids = [.. circuits], Except = exceptCircuitId };
            published.Add(subscriber.PublishAsync(RedisNames.Channel(_names.ServerChannel(server), sharded), wire.ToUtf8()));
            targeted += circuits.Count;
        }

        await Task.WhenAll(published).ConfigureAwait(false);
        return targeted;
    }

    private static void Add(Dictionary<string, List<string>> byServer, string server, string circuitId)
    {
        if (!byServer.TryGetValue(server, out var circuits))
        {
            byServer[server] = circuits = [];
        }

        circuits.Add(circuitId);
    }

    private static int CountExcept(LiveCircuitInfo[] circuits, string? exceptCircuitId)
    {
        if (exceptCircuitId is null)
        {
            return circuits.Length;
        }

        var count = 0;
        foreach (var circuit in circuits)
        {
            if (!string.Equals(circuit.CircuitId, exceptCircuitId, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    private static WireKind KindOf(LiveMessage message) => (message.Kind, message.Target) switch
    {
        (LiveMessageKind.SlotChanged, _) => WireKind.Slot,
        (_, LiveTargetKind.All) => WireKind.All,
        (_, LiveTargetKind.Group) => WireKind.Group,
        (_, LiveTargetKind.Users) => WireKind.Users,
        _ => WireKind.Circuits,
    };

    private void Recovered()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1)
        {
            Log.PublishRecovered(_logger);
        }
    }

    private void Failed(WireKind kind, Exception exception)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            Log.PublishFailed(_logger, kind, RedisFailures.Scrub(exception));
        }
        else
        {
            Log.PublishStillFailing(_logger, kind, RedisFailures.Describe(exception));
        }
    }
}
