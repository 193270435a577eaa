using System.Diagnostics.Metrics;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// The Redis backend's instruments, on a <see cref="Meter"/> of its own named <c>LiveState.Blazor.Redis</c> (created
/// through <see cref="IMeterFactory"/>), beside the core's <c>LiveState.Blazor</c>.
/// </summary>
internal sealed class RedisMetrics
{
    public const string MeterName = "LiveState.Blazor.Redis";

    private readonly Counter<long> _updateConflicts;
    private readonly Counter<long> _updateRetries;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _updateConflicts = meter.CreateCounter<long>(
            "livestate.store.update_conflicts", unit: "{conflict}", description: "Number of compare-and-set conflicts the Redis store met.");
        _updateRetries = meter.CreateCounter<long>(
            "livestate.store.update_retries", unit: "{retry}", description: "Number of update attempts the Redis store repeated after a conflict.");
    }

    /// <summary>A compare-and-set lost to a concurrent writer; <paramref name="retrying"/> when the update is attempted again.</summary>
    public void UpdateConflict(bool retrying)
    {
        if (_updateConflicts.Enabled)
        {
            _updateConflicts.Add(1);
        }

        if (retrying && _updateRetries.Enabled)
        {
            _updateRetries.Add(1);
        }
    }
}
