using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// LiveState's scale-out backend on Redis, on the core's public seam (<see cref="LiveStateBackend"/>). It listens on
/// the channel to every server, its own, and one channel per group and user it hosts (<see cref="Subscriptions"/>);
/// sends each broadcast and slot change to the channels of the servers that need it (<see cref="MessagePublisher"/>);
/// hands what arrives to the core (<see cref="MessageHandler"/>); publishes this server's circuits
/// (<see cref="PresenceWriter"/>) and keeps the presence of what it hosts (<see cref="HostedPresence"/>, answered by
/// <see cref="ClusterPresence"/>).
/// </summary>
/// <remarks>
/// On every heartbeat it renews this server's lease (reading everyone's), hides servers whose lease ended, retries
/// subscriptions that failed, keeps the groups on screen from expiring (when due, see <see cref="GroupKeepAlive"/>), and
/// after Redis comes back catches up: channels are subscribed again, presence rewritten and reloaded, and the state
/// this server caches read afresh by the circuits showing it.
/// </remarks>
internal sealed class RedisLiveStateBackend : LiveStateBackend, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly RedisConnection _connection;
    private readonly HostAccess _host;
    private readonly Subscriptions _subscriptions;
    private readonly MessageHandler _handler;
    private readonly MessagePublisher _publisher;
    private readonly PresenceWriter _writer;
    private readonly PresenceReaper _reaper;
    private readonly HostedPresence _presence;
    private readonly ClusterPresence _cluster;
    private readonly GroupKeepAlive _keepAlive;
    private readonly RedisLiveStateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _heartbeat;
    private readonly SupervisedLoop _catchUp;
    private readonly SupervisedLoop _keepingAlive;
    private long _lastKeepAlive;
    private Task _keepAliveRun = Task.CompletedTask;
    private Task? _loop;
    private int _restoreRequested;
    private int _started;
    private int _disposed;

    public RedisLiveStateBackend(
        RedisConnection connection,
        HostAccess host,
        Subscriptions subscriptions,
        MessageHandler handler,
        MessagePublisher publisher,
        PresenceWriter writer,
        PresenceReaper reaper,
        HostedPresence presence,
        ClusterPresence cluster,
        GroupKeepAlive keepAlive,
        BackendLoops loops,
        IOptions<RedisLiveStateOptions> options,
        TimeProvider time,
        ILogger<RedisLiveStateBackend> logger)
    {
        _connection = connection;
        _host = host;
        _subscriptions = subscriptions;
        _handler = handler;
        _publisher = publisher;
        _writer = writer;
        _reaper = reaper;
        _presence = presence;
        _cluster = cluster;
        _keepAlive = keepAlive;
        _options = options.Value;
        _time = time;
        _logger = logger;

        // All run at the heartbeat's pace: a failed tick or catch-up is tried again at the next tick.
        _heartbeat = loops.Add("heartbeat", logger, _options.PresenceHeartbeatInterval, () => _options.PresenceHeartbeatInterval);
        _catchUp = loops.Add("catch-up with Redis", logger, _options.PresenceHeartbeatInterval, () => _options.PresenceHeartbeatInterval);
        _keepingAlive = loops.Add("group keep-alive", logger, _options.PresenceHeartbeatInterval, () => _options.PresenceHeartbeatInterval);
    }

    /// <inheritdoc />
    public override ILiveCircuitRegistry? Presence => _cluster;

    /// <summary>Messages this server received from Redis so far, its own echoes included (the cluster simulation reads it).</summary>
    internal long MessagesReceived => _handler.Received;

    /// <summary>Messages this server received from other servers so far (tests and the cluster simulation read it).</summary>
    internal long MessagesFromOthers => _handler.ReceivedFromOthers;

    /// <summary>Circuits of other servers this server holds for presence.</summary>
    internal int RemoteCircuitsHeld => _presence.Held;

    /// <inheritdoc />
    public override async Task StartAsync(ILiveStateHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _host.Current = host;
        _connection.Restored += OnRestored;
        _writer.Lapsed += _reaper.Consider;
        _handler.OwnPresenceRemoved += _writer.RequestSnapshot;
        foreach (var topic in host.Topics)
        {
            _subscriptions.Want(ChannelKey.Of(topic), wanted: true);
        }

        try
        {
            // With Redis down this returns once the first attempt times out; the app starts and keeps trying.
            await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LiveStateUnavailableException)
        {
            // Logged by the connection; the heartbeat retries.
        }

        _subscriptions.Start(_handler);
        _writer.Start();
        _loop = RunAsync(_stopping.Token);

        // Started means listening and known to the others, when Redis lets it (a failure is retried in the background).
        await Task.WhenAll(_subscriptions.FirstPass, _writer.FirstWrite).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0 || Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        _connection.Restored -= OnRestored;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _keepAliveRun.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // Neither throws: a stop always completes, with a farewell when Redis lets it.
        await _writer.LeaveAsync(cancellationToken).ConfigureAwait(false);
        await _subscriptions.StopAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override ValueTask<int> PublishAsync(LiveMessage message, CancellationToken cancellationToken = default) =>
        _publisher.PublishAsync(message, cancellationToken);

    /// <inheritdoc />
    public override void OnTopicChanged(LiveTopic topic, bool hosted) => _subscriptions.Want(ChannelKey.Of(topic), hosted);

    /// <inheritdoc />
    public override void OnCircuitChanged(LiveCircuitChangedEventArgs change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _writer.Post(change);
        _cluster.RaiseLocal(change);
    }

    private void OnRestored() => Volatile.Write(ref _restoreRequested, 1);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PresenceHeartbeatInterval, _time);
        _lastKeepAlive = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                // The heartbeat outlives any one failure: the supervisor logs and reports it, the next tick retries.
                await _heartbeat.RunOnceAsync(BeatAsync, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        _writer.Heartbeat();

        // Whatever Redis says (or cannot say), a server whose lease ended by this server's clock counts no more.
        _presence.ExpireLapsed();
        if (_subscriptions.HasFailures && _connection.IsConnected)
        {
            // A channel subscribed late loads what it needs as it is subscribed (a topic's presence, a group's state).
            _subscriptions.ReconcileAll();
        }

        KeepGroupsAlive(cancellationToken);
        if (Interlocked.Exchange(ref _restoreRequested, 0) == 1 && _connection.IsConnected
            && !await _catchUp.RunOnceAsync(CatchUpAsync, cancellationToken).ConfigureAwait(false))
        {
            OnRestored();
        }
    }

    /// <summary>
    /// Groups on screen must not expire in Redis: extend them when due, beside the heartbeat (never holding it up:
    /// thousands of groups take longer than a heartbeat); a failed pass is tried again at the next tick.
    /// </summary>
    private void KeepGroupsAlive(CancellationToken cancellationToken)
    {
        if (!_keepAliveRun.IsCompleted || (_time.GetElapsedTime(_lastKeepAlive) < _keepAlive.Interval && !_keepingAlive.IsFailing))
        {
            return;
        }

        _keepAliveRun = Task.Run(
            async () =>
            {
                try
                {
                    if (await _keepingAlive.RunOnceAsync(ct => _keepAlive.RunAsync(ct), cancellationToken).ConfigureAwait(false))
                    {
                        _lastKeepAlive = _time.GetTimestamp();
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopping.
                }
            },
            CancellationToken.None);
    }

    /// <summary>After an outage: messages published meanwhile were lost to this server, and its own may not have landed.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        _subscriptions.ReconcileAll();
        _writer.RequestSnapshot();
        var topics = _subscriptions.Topics();
        foreach (var chunk in topics.Chunk(256))
        {
            await Task.WhenAll(chunk.Select(_handler.ReloadAsync)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_host.Current is { } host)
        {
            // State changed elsewhere meanwhile: the groups shown here read theirs afresh.
            await host.ResyncAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.CaughtUp(_logger, _presence.LiveServers, topics.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        // No farewell: a crash says nothing either (StopAsync says it).
        _connection.Restored -= OnRestored;
        _writer.Lapsed -= _reaper.Consider;
        _handler.OwnPresenceRemoved -= _writer.RequestSnapshot;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _keepAliveRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
