using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Receives the app's channel, one message at a time in the order published: broadcasts from other servers are
/// delivered to this server's circuits; presence messages update <see cref="RemotePresence"/>. A group broadcast
/// first brings the group's cached state up to date, so the re-render shows what the other server wrote.
/// </summary>
/// <remarks>
/// Local renders are started and not awaited, so one slow circuit never holds up the channel. The subscription is
/// restored by the multiplexer after a reconnect; if the first attempt fails (Redis down at start), the service's
/// heartbeat tries again.
/// </remarks>
internal sealed class BackplaneSubscriber : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly Broadcaster _local;
    private readonly LocalChangeNotifier _notifier;
    private readonly CircuitRegistry _localRegistry;
    private readonly RemotePresence _presence;
    private readonly SlotCacheSync _cache;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _handler;
    private readonly LogLimiter _unreadable;
    private ChannelMessageQueue? _queue;
    private long _received;

    public BackplaneSubscriber(
        RedisConnection connection,
        RedisNames names,
        ServerIdentity self,
        Broadcaster local,
        LocalChangeNotifier notifier,
        CircuitRegistry localRegistry,
        RemotePresence presence,
        SlotCacheSync cache,
        IOptionsMonitor<LiveStateOptions> options,
        IOptions<RedisLiveStateOptions> redisOptions,
        BackendLoops loops,
        TimeProvider time,
        ILogger<BackplaneSubscriber> logger)
    {
        _connection = connection;
        _names = names;
        _self = self;
        _local = local;
        _notifier = notifier;
        _localRegistry = localRegistry;
        _presence = presence;
        _cache = cache;
        _options = options;
        _logger = logger;

        // Messages arrive at their own pace: a failure is reported until the next message is handled, or for one
        // presence timeout (heartbeats of other servers arrive far more often) if none comes.
        _handler = loops.Add("message handler", logger, TimeSpan.Zero, () => TimeSpan.Zero, () => redisOptions.Value.PresenceTimeout);
        _unreadable = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
    }

    public bool IsSubscribed => Volatile.Read(ref _queue) is not null;

    /// <summary>Messages from other servers handled so far.</summary>
    public long Received => Interlocked.Read(ref _received);

    public async Task<bool> TrySubscribeAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ISubscriber? subscriber = null;
        try
        {
            if (_queue is not null)
            {
                return true;
            }

            subscriber = (await _connection.GetAsync(cancellationToken).ConfigureAwait(false)).GetSubscriber();
            var queue = await subscriber.SubscribeAsync(_names.Events).ConfigureAwait(false);
            queue.OnMessage(HandleAsync);
            Volatile.Write(ref _queue, queue);
            Log.Subscribed(_logger, _names.Events.ToString(), _self.Id);
            return true;
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            Log.SubscribeFailed(_logger, RedisFailures.Describe(ex));

            // A subscription that failed on the wire stays registered with the multiplexer, holding a queue nobody
            // reads; clear it, so the next attempt starts clean.
            if (subscriber is not null)
            {
                try
                {
                    await subscriber.UnsubscribeAsync(_names.Events).ConfigureAwait(false);
                }
                catch (Exception cleanup) when (RedisFailures.IsUnavailable(cleanup))
                {
                }
            }

            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task HandleAsync(ChannelMessage delivery)
    {
        // Written by anyone who can publish on the channel, or by another version of LiveState: never trusted to parse.
        if (BackplaneMessage.TryParse(delivery.Message, out var message, out var problem) is false)
        {
            if (_unreadable.TryEnter(out var suppressed))
            {
                Log.MessageUnreadable(_logger, problem, suppressed);
            }

            return;
        }

        // Our own echo: this server delivered locally when it published.
        if (string.Equals(message.Server, _self.Id, StringComparison.Ordinal))
        {
            return;
        }

        Interlocked.Increment(ref _received);
        try
        {
            switch (message.Kind)
            {
                case MessageKind.Slot when message.Targets is [var groupId, ..] targets:
                    await _cache.RefreshAsync(groupId).ConfigureAwait(false);
                    Deliver(_notifier.SlotChangedAsync(groupId, targets.Length > 1 ? targets[1] : null));
                    break;
                case MessageKind.Group when message.Targets is [var groupId, ..]:
                    await _cache.RefreshAsync(groupId).ConfigureAwait(false);
                    Deliver(_local.BroadcastToGroupAsync(groupId, message.Except));
                    break;
                case MessageKind.Users when message.Targets is { Length: > 0 } users:
                    Deliver(_local.BroadcastToUsersAsync(users, message.Except));
                    break;
                case MessageKind.All:
                    Deliver(_local.BroadcastToAllAsync(message.Except));
                    break;
                case MessageKind.Circuits when message.Targets is { } circuits:
                    foreach (var circuitId in circuits)
                    {
                        if (!string.Equals(circuitId, message.Except, StringComparison.Ordinal) && _localRegistry.FindCircuit(circuitId) is not null)
                        {
                            Deliver(_local.BroadcastToCircuitAsync(circuitId));
                        }
                    }

                    break;
                case MessageKind.Presence or MessageKind.Heartbeat or MessageKind.Snapshot or MessageKind.Leave:
                    if (await _presence.ApplyAsync(message).ConfigureAwait(false) is { } affected)
                    {
                        RenderPresenceChange(affected);
                    }

                    break;
            }
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            // Presence catches up by its sequence numbers or after the reconnect; state by the restore refresh.
            Log.MessageHandlingFailed(_logger, message.Kind, RedisFailures.Describe(ex));
            return;
        }
        catch (Exception ex)
        {
            // The channel goes on with the next message whatever this one did; the health check reports it meanwhile.
            Log.MessageHandlerFailed(_logger, message.Kind, RedisFailures.Describe(ex));
            _handler.Failed(ex);
            return;
        }

        _handler.Succeeded();
    }

    /// <summary>Re-renders the local presence readers of groups whose cluster presence changed (coalesced per group).</summary>
    internal void RenderPresenceChange(IEnumerable<string> groups)
    {
        if (!_options.CurrentValue.BroadcastPresenceChanges)
        {
            return;
        }

        foreach (var groupId in groups)
        {
            Deliver(_notifier.PresenceChangedAsync(groupId));
        }
    }

    private void Deliver(ValueTask<int> delivery) => Deliver(delivery.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(delivery.AsTask()));

    private void Deliver(ValueTask delivery)
    {
        if (delivery.IsCompleted)
        {
            ObserveNow(delivery);
            return;
        }

        _ = ObserveAsync(delivery);
    }

    private void ObserveNow(ValueTask delivery)
    {
        try
        {
            delivery.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            Log.RemoteDeliveryFailed(_logger, ex);
        }
    }

    private async Task ObserveAsync(ValueTask delivery)
    {
        try
        {
            await delivery.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.RemoteDeliveryFailed(_logger, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var queue = Interlocked.Exchange(ref _queue, null);
        if (queue is null)
        {
            return;
        }

        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stopping: the subscription goes with the connection anyway.
        }
    }
}
