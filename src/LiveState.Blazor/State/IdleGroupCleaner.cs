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

    public IdleGroupCleaner(ISessionGroupStore store, IOptionsMonitor<LiveStateOptions> options, TimeProvider time, ILogger<IdleGroupCleaner> logger)
    {
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stores with their own expiry (Redis) need no sweeping.
        if (_store is not IIdleGroupEvictor evictor)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CurrentValue.IdleGroupScanInterval, _time);
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
