using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Handles what arrives on this server's channels, one message at a time per channel: broadcasts and slot changes go to
/// the core (<see cref="ILiveStateHost.DeliverAsync"/>), presence messages to <see cref="HostedPresence"/>. A slot change
/// that carries the slot's value updates the cached copy without a Redis read; one that does not (a large slot) is read
/// here first and delivered with its value, so that its readers never flash the slot's default. When a group's channel is
/// subscribed, its presence is loaded, and the group's state read once and delivered (a change made between a load and
/// the subscription is not missed).
/// </summary>
internal sealed class MessageHandler : ISubscriptionHandler
{
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly RedisSlots _slots;
    private readonly ServerIdentity _self;
    private readonly HostAccess _host;
    private readonly HostedPresence _presence;
    private readonly StoredGroups _stored;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _supervisor;
    private readonly LogLimiter _unreadable;
    private readonly LogLimiter _older;
    private long _received;
    private long _fromOthers;

    public MessageHandler(
        RedisConnection connection,
        RedisNames names,
        RedisSlots slots,
        ServerIdentity self,
        HostAccess host,
        HostedPresence presence,
        StoredGroups stored,
        IOptionsMonitor<LiveStateOptions> options,
        IOptions<RedisLiveStateOptions> redisOptions,
        BackendLoops loops,
        TimeProvider time,
        ILogger<MessageHandler> logger)
    {
        _connection = connection;
        _names = names;
        _slots = slots;
        _self = self;
        _host = host;
        _presence = presence;
        _stored = stored;
        _options = options;
        _logger = logger;

        // Messages arrive at their own pace: a failure is reported until the next message is handled, or for one
        // presence timeout if none comes.
        _supervisor = loops.Add("message handler", logger, TimeSpan.Zero, () => TimeSpan.Zero, () => redisOptions.Value.PresenceTimeout);
        _unreadable = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
        _older = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
        _presence.GroupsChanged += Render;
    }

    /// <summary>This server's own presence was removed by another server (it was thought dead): it writes it again.</summary>
    public event Action? OwnPresenceRemoved;

    /// <summary>Messages received from Redis so far, on every channel (this server's own echoes included).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages received so far that another server (or anyone else) sent: every message but this server's own echoes.</summary>
    public long ReceivedFromOthers => Interlocked.Read(ref _fromOthers);

    public async Task OnSubscribedAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        if (subscription.Key.Topic is not { } topic)
        {
            return;
        }

        _presence.Begin(topic);
        await LoadPresenceAsync(topic).ConfigureAwait(false);
        if (topic.Kind == LiveTopicKind.Group)
        {
            await DeliverStateAsync(topic.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    public void OnUnsubscribed(ChannelKey key)
    {
        if (key.Topic is { } topic)
        {
            _presence.End(topic);
            if (topic.Kind == LiveTopicKind.Group)
            {
                _stored.Forget(topic.Id);
            }
        }
    }

    /// <summary>Reads a hosted topic's presence again (after a gap, or a reconnect).</summary>
    public async Task ReloadAsync(Subscription subscription)
    {
        if (subscription.Key.Topic is not { } topic)
        {
            return;
        }

        await subscription.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await LoadPresenceAsync(topic).ConfigureAwait(false);
        }
        finally
        {
            subscription.Gate.Release();
        }
    }

    private async Task LoadPresenceAsync(LiveTopic topic)
    {
        var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
        var fields = await database.HashGetAllAsync(_names.Presence(topic)).ConfigureAwait(false);
        _presence.Load(topic, fields);
    }

    // Every slot of the group as Redis holds it now, delivered with its value: cached copies older than it are replaced.
    private async Task DeliverStateAsync(string groupId, CancellationToken cancellationToken)
    {
        if (_host.Current is not { } host)
        {
            return;
        }

        var slots = await _slots.ReadGroupAsync(groupId).ConfigureAwait(false);
        if (slots.Count > 0)
        {
            _stored.Note(groupId);
        }

        foreach (var (slotKey, version, payload) in slots)
        {
            await host.DeliverAsync(LiveMessage.SlotChanged(groupId, slotKey, version, payload), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task OnMessageAsync(Subscription subscription, ChannelMessage delivery)
    {
        Interlocked.Increment(ref _received);

        // Written by anyone who can publish on the channel, or by another version of LiveState: never trusted to parse.
        var parsed = WireMessage.TryParse(delivery.Message, out var message, out var problem);
        if (parsed != WireParse.Ok || message!.Server != _self.Id)
        {
            Interlocked.Increment(ref _fromOthers);
        }

        if (parsed != WireParse.Ok)
        {
            if (parsed == WireParse.Older ? _older.TryEnter(out var skipped) : _unreadable.TryEnter(out skipped))
            {
                if (parsed == WireParse.Older)
                {
                    Log.MessageOfOlderVersion(_logger, problem, skipped);
                }
                else
                {
                    Log.MessageUnreadable(_logger, problem, skipped);
                }
            }

            return;
        }

        // Our own echo: this server delivered locally when it published.
        if (message!.Server == _self.Id || _host.Current is not { } host)
        {
            return;
        }

        try
        {
            switch (message.Kind)
            {
                case WireKind.Group:
                    await host.DeliverAsync(LiveMessage.BroadcastToGroup(message.GroupId!, message.Except)).ConfigureAwait(false);
                    break;
                case WireKind.Users:
                    await host.DeliverAsync(LiveMessage.BroadcastToUsers(message.Ids!, message.Except)).ConfigureAwait(false);
                    break;
                case WireKind.All:
                    await host.DeliverAsync(LiveMessage.BroadcastToAll(message.Except)).ConfigureAwait(false);
                    break;
                case WireKind.Circuits:
                    await host.DeliverAsync(LiveMessage.BroadcastToCircuits(message.Ids!, message.Except)).ConfigureAwait(false);
                    break;
                case WireKind.Slot:
                    await DeliverSlotAsync(host, message).ConfigureAwait(false);
                    break;
                case WireKind.PresenceDelta or WireKind.PresenceSnapshot or WireKind.ServerGone:
                    await ApplyPresenceAsync(subscription, message).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            // Presence catches up by its sequence numbers or after the reconnect; state by the resync after it.
            Log.MessageHandlingFailed(_logger, message.Kind, RedisFailures.Describe(ex));
            return;
        }
        catch (Exception ex)
        {
            // The channel goes on with the next message whatever this one did; the health check reports it meanwhile.
            Log.MessageHandlerFailed(_logger, message.Kind, RedisFailures.Describe(RedisFailures.Scrub(ex)));
            _supervisor.Failed(ex);
            return;
        }

        _supervisor.Succeeded();
    }

    private async Task DeliverSlotAsync(ILiveStateHost host, WireMessage message)
    {
        var groupId = message.GroupId!;
        var (version, payload) = (message.SlotVersion, message.Payload);
        if (message.SlotKey is { } slotKey && payload.IsEmpty && version > 0)
        {
            // Too large to travel with the message: read it here, once, so that the cached copy is replaced, not dropped.
            (version, payload) = await _slots.ReadRawAsync(groupId, slotKey).ConfigureAwait(false);
        }

        if (version > 0)
        {
            _stored.Note(groupId);
        }

        await host.DeliverAsync(LiveMessage.SlotChanged(groupId, message.SlotKey, version, payload)).ConfigureAwait(false);
    }

    private async Task ApplyPresenceAsync(Subscription subscription, WireMessage message)
    {
        if (subscription.Key.Topic is not { } topic || message.Topic != topic)
        {
            // A presence message belongs on its topic's channel.
            _presence.UnreadableMessage(message.Server, "a presence message on another topic's channel");
            return;
        }

        if (message.Kind == WireKind.ServerGone && message.GoneServer == _self.Id)
        {
            OwnPresenceRemoved?.Invoke();
        }

        var outcome = _presence.Apply(topic, message);
        if (outcome.Reload)
        {
            Log.PresenceGap(_logger, topic.ToString());
            await LoadPresenceAsync(topic).ConfigureAwait(false);
        }
    }

    /// <summary>Re-renders this server's presence readers of the groups whose presence changed (coalesced per group by the core).</summary>
    private void Render(IReadOnlyCollection<string> groups)
    {
        if (!_options.CurrentValue.BroadcastPresenceChanges || _host.Current is not { } host)
        {
            return;
        }

        foreach (var groupId in groups)
        {
            var rendered = host.PresenceChangedAsync(groupId);
            if (!rendered.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(rendered);
            }
        }
    }

    private async Task ObserveAsync(ValueTask rendered)
    {
        try
        {
            await rendered.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.RemoteDeliveryFailed(_logger, ex);
        }
    }
}

/// <summary>
/// The hosted groups this server has seen stored state of (read it, wrote it, or was sent a version of it). Only for
/// them does a missing key mean the state vanished (expired, evicted, deleted behind LiveState's back); a group nothing
/// was written to has no key either. Holds hosted groups only: a group goes when it is no longer hosted.
/// </summary>
internal sealed class StoredGroups(Subscriptions subscriptions)
{
    private readonly ConcurrentDictionary<string, byte> _groups = new(StringComparer.Ordinal);

    public int Count => _groups.Count;

    public void Note(string groupId)
    {
        if (subscriptions.Hosts(LiveTopic.Group(groupId)))
        {
            _groups.TryAdd(groupId, 0);
        }
    }

    public bool Contains(string groupId) => _groups.ContainsKey(groupId);

    /// <summary>Forgets a group; returns whether it was known to hold state.</summary>
    public bool Forget(string groupId) => _groups.TryRemove(groupId, out _);
}
