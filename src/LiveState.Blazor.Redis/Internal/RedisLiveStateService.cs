using LiveState.Blazor.Broadcasting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Runs the backplane for the host's lifetime: connects, subscribes, publishes this server's presence and reads
/// the others'. On every heartbeat it renews presence, drops silent servers, retries a subscription that failed,
/// keeps the groups on screen from expiring (when due, see <see cref="GroupKeepAlive"/>), and sweeps the state cache. After Redis comes back it catches up: presence is rewritten and re-read, cached
/// state is refreshed, and the circuits showing it re-render.
/// </summary>
internal sealed class RedisLiveStateService : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly RedisConnection _connection;
    private readonly BackplaneSubscriber _subscriber;
    private readonly PresenceWriter _presence;
    private readonly RemotePresence _remote;
    private readonly SlotCacheSync _cache;
    private readonly Broadcaster _local;
    private readonly RedisLiveStateOptions _options;
    private readonly IOptionsMonitor<LiveStateOptions> _liveState;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _heartbeat;
    private readonly SupervisedLoop _catchUp;
    private readonly SupervisedLoop _keepingAlive;
    private readonly GroupKeepAlive _keepAlive;
    private long _lastKeepAlive;
    private Task _keepAliveRun = Task.CompletedTask;
    private Task? _loop;
    private long _lastSweep;
    private int _restoreRequested;
    private int _disposed;

    public RedisLiveStateService(
        RedisConnection connection,
        BackplaneSubscriber subscriber,
        PresenceWriter presence,
        RemotePresence remote,
        SlotCacheSync cache,
        Broadcaster local,
        IOptions<RedisLiveStateOptions> options,
        IOptionsMonitor<LiveStateOptions> liveState,
        TimeProvider time,
        BackendLoops loops,
        GroupKeepAlive keepAlive,
        ILogger<RedisLiveStateService> logger)
    {
        _keepAlive = keepAlive;
        _connection = connection;
        _subscriber = subscriber;
        _presence = presence;
        _remote = remote;
        _cache = cache;
        _local = local;
        _options = options.Value;
        _liveState = liveState;
        _time = time;
        _logger = logger;

        // Both run at the heartbeat's pace: a failed tick or catch-up is tried again at the next tick.
        _heartbeat = loops.Add("heartbeat", logger, options.Value.PresenceHeartbeatInterval, () => _options.PresenceHeartbeatInterval);
        _catchUp = loops.Add("catch-up with Redis", logger, options.Value.PresenceHeartbeatInterval, () => _options.PresenceHeartbeatInterval);
        _keepingAlive = loops.Add("group keep-alive", logger, options.Value.PresenceHeartbeatInterval, () => _options.PresenceHeartbeatInterval);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _connection.Restored += OnRestored;
        try
        {
            // With Redis down this returns once the first attempt times out; the app starts and keeps trying.
            await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
            await _subscriber.TrySubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LiveStateUnavailableException)
        {
            // Logged by the connection; the heartbeat retries.
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing Redis does stops the app from starting: the heartbeat subscribes again and reports meanwhile.
            _heartbeat.Failed(ex);
        }

        _presence.Start();

        // An unreadable presence hash, or Redis away: start anyway, and catch up on the next heartbeat.
        if (!await _catchUp.RunOnceAsync(ct => _remote.ResyncAllAsync(ct), cancellationToken).ConfigureAwait(false))
        {
            OnRestored();
        }

        _loop = RunAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _connection.Restored -= OnRestored;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _keepAliveRun.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        // Neither throws: a stop always completes, with a farewell when Redis lets it.
        await _presence.LeaveAsync(cancellationToken).ConfigureAwait(false);
        await _subscriber.DisposeAsync().ConfigureAwait(false);
    }

    private void OnRestored() => Volatile.Write(ref _restoreRequested, 1);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.PresenceHeartbeatInterval, _time);
        _lastSweep = _lastKeepAlive = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                // The heartbeat outlives any one failure: the supervisor logs and reports it, the next tick retries.
                await _heartbeat.RunOnceAsync(TickAsync, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private Task TickAsync(CancellationToken cancellationToken)
    {
        var scanInterval = _liveState.CurrentValue.IdleGroupScanInterval;
        if (_time.GetElapsedTime(_lastSweep) >= scanInterval)
        {
            _lastSweep = _time.GetTimestamp();
            _cache.Sweep(idleSince: _lastSweep - (long)(scanInterval.TotalSeconds * _time.TimestampFrequency));
        }

        return BeatAsync(cancellationToken);
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

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        if (!_subscriber.IsSubscribed && _connection.IsConnected && await _subscriber.TrySubscribeAsync(cancellationToken).ConfigureAwait(false))
        {
            // Subscribed late: whatever was published before is unknown here.
            OnRestored();
        }

        _presence.Heartbeat();
        KeepGroupsAlive(cancellationToken);
        var dropped = await _remote.ExpireAsync(cancellationToken).ConfigureAwait(false);
        if (dropped.Count > 0)
        {
            _subscriber.RenderPresenceChange(dropped);
        }

        if (Interlocked.Exchange(ref _restoreRequested, 0) == 1 && !await _catchUp.RunOnceAsync(CatchUpAsync, cancellationToken).ConfigureAwait(false))
        {
            OnRestored();
        }
    }

    /// <summary>After an outage: messages published meanwhile were lost to this server, and its own may not have landed.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        _presence.RequestSnapshot();
        await _remote.ResyncAllAsync(cancellationToken).ConfigureAwait(false);
        foreach (var groupId in await _cache.RefreshAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await _local.BroadcastToGroupAsync(groupId, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        Log.CaughtUp(_logger, _remote.ServerCount, _remote.Count);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _connection.Restored -= OnRestored;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _keepAliveRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }
}
