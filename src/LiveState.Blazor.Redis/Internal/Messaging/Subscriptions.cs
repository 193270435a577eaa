using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>What a channel carries: broadcasts to every server, to this server, or to the servers hosting a group or user.</summary>
internal enum ChannelKind
{
    All,
    Server,
    Group,
    User,
}

/// <summary>A channel this server may listen on.</summary>
internal readonly record struct ChannelKey(ChannelKind Kind, string Id)
{
    public static ChannelKey All { get; } = new(ChannelKind.All, string.Empty);

    public static ChannelKey Of(LiveTopic topic) => new(topic.Kind == LiveTopicKind.Group ? ChannelKind.Group : ChannelKind.User, topic.Id);

    public LiveTopic? Topic => Kind switch
    {
        ChannelKind.Group => LiveTopic.Group(Id),
        ChannelKind.User => LiveTopic.User(Id),
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        ChannelKind.All => "all",
        ChannelKind.Server => "server",
        ChannelKind.Group => $"group {Redaction.Group(Id)}",
        _ => $"user {Redaction.Bounded(Id)}",
    };
}

/// <summary>One channel this server listens on: its messages are handled one at a time, in order, under <see cref="Gate"/>.</summary>
internal sealed class Subscription(ChannelKey key, RedisChannel channel, ChannelMessageQueue queue)
{
    public ChannelKey Key { get; } = key;

    public RedisChannel Channel { get; } = channel;

    public ChannelMessageQueue Queue { get; } = queue;

    /// <summary>Held while a message of this channel is handled, or its presence (re)loaded.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>What the backend does with a channel's messages.</summary>
internal interface ISubscriptionHandler
{
    /// <summary>A channel was subscribed and nothing of it handled yet (the gate is held): load what it needs (a topic's presence).</summary>
    Task OnSubscribedAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>A message arrived (the gate is held). Must not throw.</summary>
    Task OnMessageAsync(Subscription subscription, ChannelMessage message);

    /// <summary>The channel is no longer listened to.</summary>
    void OnUnsubscribed(ChannelKey key);
}

/// <summary>
/// The channels this server listens on: the channel to every server and its own, always, and one per group and user it
/// hosts, while it hosts them. <see cref="Want"/> only records the wish and queues it (the core calls it on the thread
/// that changed a circuit); one loop subscribes and unsubscribes, many at a time. Each channel is a queue of its own:
/// messages of different groups are handled concurrently, those of one group in the order they were published. After a
/// reconnect, <see cref="ReconcileAll"/> subscribes again whatever is not subscribed (failed, or not restored).
/// </summary>
internal sealed class Subscriptions : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly ConcurrentDictionary<ChannelKey, byte> _wanted = new();
    private readonly ConcurrentDictionary<ChannelKey, Subscription> _active = new();
    private readonly Channel<ChannelKey?> _changes = Channel.CreateUnbounded<ChannelKey?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly PubSubMode _mode;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _supervisor;
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ISubscriptionHandler? _handler;
    private Task? _loop;
    private int _failed;

    public Subscriptions(RedisConnection connection, RedisNames names, ServerIdentity self, PubSubMode mode, BackendLoops loops, IOptions<RedisLiveStateOptions> options, ILogger<Subscriptions> logger)
    {
        _connection = connection;
        _names = names;
        _self = self;
        _mode = mode;
        _logger = logger;
        var heartbeat = options.Value.PresenceHeartbeatInterval;
        _supervisor = loops.Add("subscriptions", logger, TimeSpan.FromMilliseconds(50), () => heartbeat);
    }

    /// <summary>The name of the channel to every server (the health check reports it).</summary>
    public string EventsChannel => _names.Events;

    /// <summary>Whether the channels every server must hear (to all, to this server) are subscribed, and their connection is up.</summary>
    public bool IsListening
    {
        get
        {
            if (!_active.TryGetValue(ChannelKey.All, out var all) || !_active.ContainsKey(new ChannelKey(ChannelKind.Server, _self.Id)))
            {
                return false;
            }

            try
            {
                return _connection.Current?.GetSubscriber().IsConnected(all.Channel) == true;
            }
            catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
            {
                return false;
            }
        }
    }

    /// <summary>Channels that should be subscribed and are not (a subscription failed, and is retried).</summary>
    public bool HasFailures => Volatile.Read(ref _failed) > 0;

    /// <summary>The channels subscribed now.</summary>
    public int Count => _active.Count;

    /// <summary>The groups this server hosts now (as the core told it).</summary>
    public IEnumerable<string> HostedGroups()
    {
        foreach (var key in _wanted.Keys)
        {
            if (key.Kind == ChannelKind.Group)
            {
                yield return key.Id;
            }
        }
    }

    public bool Hosts(LiveTopic topic) => _wanted.ContainsKey(ChannelKey.Of(topic));

    /// <summary>The subscriptions of hosted topics (a snapshot).</summary>
    public IReadOnlyList<Subscription> Topics() => [.. _active.Values.Where(s => s.Key.Topic is not null)];

    /// <summary>Listen to <paramref name="key"/>'s channel (or stop): recorded now, done by the loop. Quick; never throws.</summary>
    public void Want(ChannelKey key, bool wanted)
    {
        if (wanted ? _wanted.TryAdd(key, 0) : _wanted.TryRemove(key, out _))
        {
            _changes.Writer.TryWrite(key);
        }
    }

    /// <summary>Subscribe every wanted channel that is not subscribed now (after a reconnect, or a failure).</summary>
    public void ReconcileAll() => _changes.Writer.TryWrite(null);

    /// <summary>Completes once the first subscriptions were tried (subscribed, or failed and queued for a retry).</summary>
    public Task FirstPass => _firstPass.Task;

    public void Start(ISubscriptionHandler handler)
    {
        if (_loop is not null)
        {
            return;
        }

        _handler = handler;
        Want(ChannelKey.All, wanted: true);
        Want(new ChannelKey(ChannelKind.Server, _self.Id), wanted: true);
        _loop = _supervisor.RunAsync(RunAsync, _stopping.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _changes.Reader;
        var batch = new HashSet<ChannelKey>();
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var all = false;
            while (batch.Count < MaxBatch && reader.TryRead(out var key))
            {
                if (key is { } one)
                {
                    batch.Add(one);
                }
                else
                {
                    all = true;
                }
            }

            if (all)
            {
                batch.UnionWith(_wanted.Keys);
                batch.UnionWith(_active.Keys);
            }

            try
            {
                await ReconcileAsync(batch, checkConnected: all, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                batch.Clear();
                _firstPass.TrySetResult();
            }
        }
    }

    private async Task ReconcileAsync(HashSet<ChannelKey> keys, bool checkConnected, CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        ISubscriber? subscriber = null;
        foreach (var key in keys)
        {
            var wanted = _wanted.ContainsKey(key);
            _active.TryGetValue(key, out var active);
            if (wanted && active is not null && checkConnected)
            {
                // Restored by the multiplexer after a reconnect, normally; one that is not is subscribed anew.
                subscriber ??= _connection.Current?.GetSubscriber();
                if (subscriber is not null && SubscribedEndpoint(subscriber, active.Channel) is null)
                {
                    work.Add(ResubscribeAsync(active, cancellationToken));
                }
            }
            else if (wanted && active is null)
            {
                work.Add(SubscribeAsync(key, cancellationToken));
            }
            else if (!wanted && active is not null)
            {
                work.Add(UnsubscribeAsync(active));
            }
        }

        await Task.WhenAll(work).ConfigureAwait(false);
        var failed = 0;
        foreach (var key in _wanted.Keys)
        {
            if (!_active.ContainsKey(key))
            {
                failed++;
            }
        }

        Volatile.Write(ref _failed, failed);
    }

    private static System.Net.EndPoint? SubscribedEndpoint(ISubscriber subscriber, RedisChannel channel)
    {
        try
        {
            return subscriber.SubscribedEndpoint(channel);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex))
        {
            return null;
        }
    }

    private async Task ResubscribeAsync(Subscription stale, CancellationToken cancellationToken)
    {
        await UnsubscribeAsync(stale).ConfigureAwait(false);
        if (_wanted.ContainsKey(stale.Key))
        {
            await SubscribeAsync(stale.Key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(ChannelKey key, CancellationToken cancellationToken)
    {
        ChannelMessageQueue? queue = null;
        RedisChannel channel = default;
        try
        {
            var multiplexer = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
            channel = RedisNames.Channel(NameOf(key), _mode.Require(multiplexer));
            queue = await multiplexer.GetSubscriber().SubscribeAsync(channel).ConfigureAwait(false);
            var subscription = new Subscription(key, channel, queue);
            await subscription.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Before any message of it is handled: what it needs to make sense of them (a topic's presence).
                await _handler!.OnSubscribedAsync(subscription, cancellationToken).ConfigureAwait(false);
                var handler = _handler;
                queue.OnMessage(async message =>
                {
                    await subscription.Gate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        await handler.OnMessageAsync(subscription, message).ConfigureAwait(false);
                    }
                    finally
                    {
                        subscription.Gate.Release();
                    }
                });
                _active[key] = subscription;
            }
            finally
            {
                subscription.Gate.Release();
            }

            if (key.Kind is ChannelKind.All or ChannelKind.Server)
            {
                Log.Subscribed(_logger, channel.ToString(), _self.Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SubscribeFailed(_logger, key.ToString(), RedisFailures.Describe(RedisFailures.Scrub(ex)));

            // A subscription that failed on the wire stays registered with the multiplexer, holding a queue nobody reads;
            // clear it, so that the next attempt starts clean.
            if (queue is not null)
            {
                await UnsubscribeQuietlyAsync(queue).ConfigureAwait(false);
            }

            _handler!.OnUnsubscribed(key);
        }
    }

    private async Task UnsubscribeAsync(Subscription subscription)
    {
        if (!_active.TryRemove(new KeyValuePair<ChannelKey, Subscription>(subscription.Key, subscription)))
        {
            return;
        }

        // What was kept for it goes at once; a message still queued finds nothing to apply to.
        _handler!.OnUnsubscribed(subscription.Key);
        await UnsubscribeQuietlyAsync(subscription.Queue).ConfigureAwait(false);
    }

    private static async Task UnsubscribeQuietlyAsync(ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisFailures.IsUnavailable(ex) || ex is InvalidOperationException)
        {
            // The subscription goes with the connection anyway.
        }
    }

    private string NameOf(ChannelKey key) => key.Kind switch
    {
        ChannelKind.All => _names.Events,
        ChannelKind.Server => _names.ServerChannel(key.Id),
        _ => _names.TopicChannel(key.Topic!.Value),
    };

    /// <summary>Stops listening: every channel is unsubscribed.</summary>
    public async Task StopAsync()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            // The services were disposed before the host stopped (a test host can do that): nothing is left to stop.
            return;
        }

        _changes.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var unsubscribed = new List<Task>();
        foreach (var subscription in _active.Values)
        {
            unsubscribed.Add(UnsubscribeAsync(subscription));
        }

        await Task.WhenAll(unsubscribed).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _changes.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }
}
