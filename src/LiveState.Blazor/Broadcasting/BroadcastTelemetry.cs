using System.Diagnostics;
using LiveState.Blazor.Diagnostics;

namespace LiveState.Blazor.Broadcasting;

/// <summary>What a broadcast targets, as its telemetry tags it.</summary>
internal enum BroadcastTarget
{
    All,
    Filter,
    Users,
    Group,
    Circuit,
}

/// <summary>
/// One broadcast's metrics and span. The default value is inert: when no meter listener and no activity listener
/// listens, a broadcast starts none and pays two checks.
/// </summary>
internal readonly struct BroadcastTelemetry
{
    public const string ActivityName = LiveStateActivity.BroadcastName;
    public const string TargetTag = "livestate.broadcast.target";
    public const string ReachedTag = "livestate.broadcast.circuits_reached";
    public const string FailuresTag = "livestate.broadcast.delivery_failures";
    public const string GroupTag = LiveStateActivity.GroupIdTag;

    /// <summary><c>error.type</c> of a circuit that did not render within the delivery timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary><c>error.type</c> of a circuit whose renderer was disposed.</summary>
    public const string Disposed = "disposed";

    private readonly LiveStateMetrics? _metrics;
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly BroadcastTarget _target;

    private BroadcastTelemetry(LiveStateMetrics? metrics, Activity? activity, long started, BroadcastTarget target)
    {
        _metrics = metrics;
        _activity = activity;
        _started = started;
        _target = target;
    }

    /// <summary>Whether anything listens to this broadcast.</summary>
    public bool IsActive => _metrics is not null || _activity is not null;

    /// <summary>Starts a broadcast's telemetry, or returns the inert value when nobody listens.</summary>
    /// <param name="metrics">The server's metrics.</param>
    /// <param name="target">What the broadcast targets.</param>
    /// <param name="groupId">With <see cref="BroadcastTarget.Group"/>: the group, tagged redacted.</param>
    /// <param name="circuitId">With <see cref="BroadcastTarget.Circuit"/>: the circuit, tagged as ASP.NET Core tags it.</param>
    public static BroadcastTelemetry Start(LiveStateMetrics metrics, BroadcastTarget target, string? groupId = null, string? circuitId = null)
    {
        var metricsOn = metrics.BroadcastsEnabled;
        var source = LiveStateActivity.Source;
        if (!metricsOn && !source.HasListeners())
        {
            return default;
        }

        Activity? activity = null;
        if (source.HasListeners())
        {
            var current = Activity.Current;
            activity = source.StartActivity(ActivityName);
            if (activity is not null)
            {
                // The span ends when the delivery does, on whatever thread that is; the caller's current span stays
                // its own (this method is not async, so setting Activity.Current here would leak into the caller).
                Activity.Current = current;
                if (activity.IsAllDataRequested)
                {
                    activity.DisplayName = "Broadcast " + Name(target);
                    activity.SetTag(TargetTag, Name(target));
                    activity.SetTag(LiveStateActivity.CircuitIdTag, circuitId);
                    if (groupId is not null)
                    {
                        activity.SetTag(GroupTag, LiveStateActivity.GroupTag(groupId));
                    }
                }
            }
        }

        return new BroadcastTelemetry(
            metricsOn ? metrics : null,
            activity,
            metricsOn && metrics.BroadcastDurationEnabled ? Stopwatch.GetTimestamp() : 0,
            target);
    }

    /// <summary>The broadcast ended: <paramref name="reached"/> circuits rendered, <paramref name="failures"/> did not.</summary>
    public void Completed(int reached, int failures)
    {
        _metrics?.Broadcast(Name(_target), reached, _started, errorType: null);
        if (_activity is { } activity)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag(ReachedTag, reached);
                activity.SetTag(FailuresTag, failures);
            }

            activity.Stop();
        }
    }

    /// <summary>The broadcast ended with an exception (cancelled, or a filter threw).</summary>
    public void Failed(Exception exception)
    {
        var errorType = exception.GetType().FullName;
        _metrics?.Broadcast(Name(_target), reached: 0, _started, errorType);
        if (_activity is { } activity)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity.SetTag("error.type", errorType);
            activity.Stop();
        }
    }

    /// <summary><paramref name="count"/> circuits of this broadcast were not re-rendered, for <paramref name="errorType"/>.</summary>
    public void DeliveryFailed(string errorType, int count) => _metrics?.DeliveryFailed(Name(_target), errorType, count);

    /// <summary>The <c>error.type</c> of a render that did not complete successfully.</summary>
    public static string ErrorType(Task render) => render.Exception?.GetBaseException() switch
    {
        ObjectDisposedException => Disposed,
        { } exception => exception.GetType().FullName ?? exception.GetType().Name,
        null => typeof(TaskCanceledException).FullName!,
    };

    private static string Name(BroadcastTarget target) => target switch
    {
        BroadcastTarget.All => "all",
        BroadcastTarget.Filter => "filter",
        BroadcastTarget.Users => "users",
        BroadcastTarget.Group => "group",
        _ => "circuit",
    };
}
