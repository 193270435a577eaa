using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LiveState.Blazor.Diagnostics;

/// <summary>
/// LiveState's instruments, on one <see cref="Meter"/> named <c>LiveState.Blazor</c> created through
/// <see cref="IMeterFactory"/>, named and measured in the style of ASP.NET Core's own.
/// </summary>
internal sealed class LiveStateMetrics
{
    public const string MeterName = "LiveState.Blazor";

    private readonly UpDownCounter<long> _activeCircuits;
    private readonly Counter<long> _updates;
    private readonly Histogram<double> _updateDuration;
    private readonly Counter<long> _broadcasts;
    private readonly Counter<long> _circuitsReached;
    private readonly Counter<long> _deliveryFailures;
    private readonly Histogram<double> _broadcastDuration;

    public LiveStateMetrics(IMeterFactory meterFactory, Circuits.CircuitRegistry registry)
    {
        var meter = meterFactory.Create(MeterName);
        _activeCircuits = meter.CreateUpDownCounter<long>(
            "livestate.circuits.active_circuits", unit: "{circuits}", description: "Number of live circuits registered on this server.");
        meter.CreateObservableUpDownCounter(
            "livestate.groups.active_groups", () => (long)registry.GroupBucketCount, unit: "{groups}", description: "Number of session groups with at least one live circuit on this server.");
        _updates = meter.CreateCounter<long>(
            "livestate.state.updates", unit: "{updates}", description: "Number of session group state updates.");
        _updateDuration = meter.CreateHistogram(
            "livestate.state.update.duration", unit: "s", description: "Time to apply a state update in the store.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });
        _broadcasts = meter.CreateCounter<long>(
            "livestate.broadcasts", unit: "{broadcasts}", description: "Number of broadcasts delivered to the circuits of this server.");
        _circuitsReached = meter.CreateCounter<long>(
            "livestate.broadcast.circuits_reached", unit: "{circuits}", description: "Number of circuits of this server that broadcasts reached.");
        _deliveryFailures = meter.CreateCounter<long>(
            "livestate.broadcast.delivery_failures", unit: "{failures}", description: "Number of circuits a broadcast failed to re-render: the render failed, the renderer was disposed, or it timed out.");
        _broadcastDuration = meter.CreateHistogram(
            "livestate.broadcast.duration", unit: "s", description: "Time until every circuit of a broadcast has rendered, failed or timed out.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] });
    }

    public void CircuitOpened()
    {
        if (_activeCircuits.Enabled)
        {
            _activeCircuits.Add(1);
        }
    }

    public void CircuitClosed()
    {
        if (_activeCircuits.Enabled)
        {
            _activeCircuits.Add(-1);
        }
    }

    public void Updated(long startTimestamp, string? errorType)
    {
        var tags = new TagList();
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        if (_updates.Enabled)
        {
            _updates.Add(1, tags);
        }

        if (_updateDuration.Enabled && startTimestamp != 0)
        {
            _updateDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    public bool UpdateDurationEnabled => _updateDuration.Enabled;

    /// <summary>Whether anything listens to a broadcast instrument: if not, a broadcast records nothing.</summary>
    public bool BroadcastsEnabled => _broadcasts.Enabled || _circuitsReached.Enabled || _deliveryFailures.Enabled || _broadcastDuration.Enabled;

    public bool BroadcastDurationEnabled => _broadcastDuration.Enabled;

    /// <summary>One broadcast ended: it reached <paramref name="reached"/> circuits, or failed with <paramref name="errorType"/> (cancelled).</summary>
    public void Broadcast(string target, int reached, long startTimestamp, string? errorType)
    {
        var tags = new TagList { { "livestate.broadcast.target", target } };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        if (_broadcasts.Enabled)
        {
            _broadcasts.Add(1, tags);
        }

        if (reached > 0 && _circuitsReached.Enabled)
        {
            _circuitsReached.Add(reached, new KeyValuePair<string, object?>("livestate.broadcast.target", target));
        }

        if (startTimestamp != 0 && _broadcastDuration.Enabled)
        {
            _broadcastDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    /// <summary><paramref name="count"/> circuits of one broadcast were not re-rendered, for <paramref name="errorType"/>.</summary>
    public void DeliveryFailed(string errorType, int count)
    {
        if (count > 0 && _deliveryFailures.Enabled)
        {
            _deliveryFailures.Add(count, new KeyValuePair<string, object?>("error.type", errorType));
        }
    }
}

/// <summary>LiveState's <see cref="ActivitySource"/>: a span per broadcast and per state update.</summary>
internal static class LiveStateActivity
{
    public const string SourceName = "LiveState.Blazor";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A group id for telemetry: whole (group ids are not secrets), cut only when unusually long.</summary>
    public static string GroupTag(string groupId) => LiveIdentity.Redact(groupId);
}
