using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LiveState.Blazor.Diagnostics;

/// <summary>
/// LiveState's instruments, on one <see cref="Meter"/> named <c>LiveState.Blazor</c> created through
/// <see cref="IMeterFactory"/>, named and measured as ASP.NET Core 10 names its circuits' instruments
/// (<c>aspnetcore.components.circuit.active</c>, unit <c>{circuit}</c>): a namespace, the thing, then its state or
/// measure; units in the singular; <c>error.type</c> for failures.
/// </summary>
internal sealed class LiveStateMetrics
{
    public const string MeterName = "LiveState.Blazor";

    /// <summary>What a broadcast targeted: <c>all</c>, <c>filter</c>, <c>users</c>, <c>group</c> or <c>circuit</c>.</summary>
    public const string BroadcastTargetTag = "livestate.broadcast.target";

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
            "livestate.circuit.active", unit: "{circuit}", description: "Number of live circuits registered on this server.");
        meter.CreateObservableUpDownCounter(
            "livestate.group.active", () => (long)registry.GroupBucketCount, unit: "{group}", description: "Number of session groups with at least one live circuit on this server.");
        _updates = meter.CreateCounter<long>(
            "livestate.state.updates", unit: "{update}", description: "Number of session group state updates.");
        _updateDuration = meter.CreateHistogram(
            "livestate.state.update.duration", unit: "s", description: "Time to apply a state update in the store.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });
        _broadcasts = meter.CreateCounter<long>(
            "livestate.broadcasts", unit: "{broadcast}", description: "Number of broadcasts delivered to the circuits of this server.");
        _circuitsReached = meter.CreateCounter<long>(
            "livestate.broadcast.circuits_reached", unit: "{circuit}", description: "Number of circuits of this server that broadcasts reached.");
        _deliveryFailures = meter.CreateCounter<long>(
            "livestate.broadcast.delivery_failures", unit: "{failure}", description: "Number of circuits a broadcast failed to re-render: the render failed, the renderer was disposed, or it timed out.");
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
            tags.Add(LiveStateActivity.ErrorTypeTag, errorType);
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
        var tags = new TagList { { BroadcastTargetTag, target } };
        if (errorType is not null)
        {
            tags.Add(LiveStateActivity.ErrorTypeTag, errorType);
        }

        if (_broadcasts.Enabled)
        {
            _broadcasts.Add(1, tags);
        }

        if (reached > 0 && _circuitsReached.Enabled)
        {
            _circuitsReached.Add(reached, new KeyValuePair<string, object?>(BroadcastTargetTag, target));
        }

        if (startTimestamp != 0 && _broadcastDuration.Enabled)
        {
            _broadcastDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    /// <summary><paramref name="count"/> circuits of one broadcast to <paramref name="target"/> were not re-rendered, for <paramref name="errorType"/>.</summary>
    public void DeliveryFailed(string target, string errorType, int count)
    {
        if (count > 0 && _deliveryFailures.Enabled)
        {
            _deliveryFailures.Add(count, new KeyValuePair<string, object?>(BroadcastTargetTag, target), new KeyValuePair<string, object?>(LiveStateActivity.ErrorTypeTag, errorType));
        }
    }
}

/// <summary>
/// LiveState's <see cref="ActivitySource"/>, <c>LiveState.Blazor</c>: a span per state update and per broadcast, named as
/// ASP.NET Core 10 names its components' spans (operation <c>Microsoft.AspNetCore.Components.Server.Circuits.StartCircuit</c>,
/// display name <c>Circuit {id}</c>), and carrying the circuit id under ASP.NET Core's own tag, so that a trace view or
/// a query joins LiveState's spans with Blazor's.
/// </summary>
internal static class LiveStateActivity
{
    public const string SourceName = "LiveState.Blazor";

    /// <summary>The operation name of an update's span; its display name is <c>Update {slot key}</c>.</summary>
    public const string UpdateName = SourceName + ".Update";

    /// <summary>The operation name of a broadcast's span; its display name is <c>Broadcast {target}</c>.</summary>
    public const string BroadcastName = SourceName + ".Broadcast";

    /// <summary>ASP.NET Core's tag for a circuit id (on its <c>Microsoft.AspNetCore.Components.Server.Circuits</c> spans).</summary>
    public const string CircuitIdTag = "aspnetcore.components.circuit.id";

    /// <summary>A session group's id, whole unless unusually long (<see cref="GroupTag"/>).</summary>
    public const string GroupIdTag = "livestate.group.id";

    public const string SlotKeyTag = "livestate.slot.key";

    public const string SlotVersionTag = "livestate.slot.version";

    /// <summary>The OpenTelemetry tag of a failure's kind: the exception's full type name, or a documented word.</summary>
    public const string ErrorTypeTag = "error.type";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A group id for telemetry: whole (group ids are not secrets), cut only when unusually long.</summary>
    public static string GroupTag(string groupId) => LiveIdentity.Redact(groupId);

    /// <summary>
    /// Starts the span of an update of <paramref name="slotKey"/> in <paramref name="groupId"/>, a child of the current
    /// span (the Blazor event or the request that made it), or returns null when nothing listens. Made on a circuit's
    /// dispatcher (a component's event handler), it carries that circuit's id.
    /// </summary>
    public static Activity? StartUpdate(string groupId, string slotKey, Circuits.DispatcherIndex dispatchers)
    {
        var activity = Source.StartActivity(UpdateName);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = "Update " + slotKey;
            activity.SetTag(GroupIdTag, GroupTag(groupId));
            activity.SetTag(SlotKeyTag, slotKey);
            if (dispatchers.Current is { } circuit)
            {
                activity.SetTag(CircuitIdTag, circuit.Id);
            }
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="exception"/>, as ASP.NET Core marks its spans.</summary>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetTag(ErrorTypeTag, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        }
    }
}
