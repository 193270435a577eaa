using LiveState.Blazor.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.State;

/// <summary>Evicts idle groups (no circuits, untouched for <see cref="LiveStateOptions.IdleGroupTimeout"/>) in the background; stops with the host.</summary>
internal sealed class IdleGroupCleaner : BackgroundService
{
    private readonly ISessionGroupStore _store;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private PeriodicTimer? _timer;

    public IdleGroupCleaner(ISessionGroupStore store, IOptionsMonitor<LiveStateOptions> options, TimeProvider time, ILogger<IdleGroupCleaner> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts the scan schedule with the host, then the loop that follows it.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The timer is made here, not in ExecuteAsync: since .NET 10 a BackgroundService runs all of ExecuteAsync on
        // the thread pool, so a timer made there would start at some later moment, and a clock advanced meanwhile
        // (a test's FakeTimeProvider) would not move it. Stores with their own expiry (Redis) need no sweeping.
        if (_store is IIdleGroupEvictor)
        {
            _timer = new PeriodicTimer(_options.CurrentValue.IdleGroupScanInterval, _time);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer || _store is not IIdleGroupEvictor evictor)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                SweepOnce(evictor);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal int SweepOnce(IIdleGroupEvictor evictor)
    {
        try
        {
            var evicted = evictor.EvictIdle(_time.GetUtcNow() - _options.CurrentValue.IdleGroupTimeout);
            if (evicted > 0)
            {
                Log.IdleGroupsEvicted(_logger, evicted);
            }

            return evicted;
        }
        catch (Exception ex)
        {
            Log.IdleSweepFailed(_logger, ex);
            return 0;
        }
    }
}
