using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Diagnostics;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// What listening to LiveState's telemetry costs a broadcast: each round times the same broadcasts with nothing
/// listening and with a <see cref="MeterListener"/> on every LiveState instrument plus an <see cref="ActivityListener"/>
/// recording every LiveState span (order alternating). The "quiet" columns are the unobserved side.
/// </summary>
internal static class TelemetryOverhead
{
    public static int Run(int rounds)
    {
        Paired.PrintEnvironment($"Telemetry overhead: {rounds} rounds of {Paired.Window.TotalMilliseconds:F0} ms per side after {Paired.Warmup.TotalSeconds:F0} s of warm-up; 'quiet' = nobody listening, 'listened' = metrics and spans listened to");
        Console.WriteLine(Paired.Header(["quiet", "listened"], [(1, 0)]));
        foreach (var n in new[] { 100, 10_000 })
        {
            using var world = World.Create(n);
            var broadcaster = world.Broadcaster;
            Report("ToGroup, 3 tabs reached", n, 1, rounds, () => broadcaster.BroadcastToGroupAsync(World.AliceGroup));
            Report("ToUsers, 3 tabs reached", n, 1, rounds, () => broadcaster.BroadcastToUsersAsync(World.ThreeUsers));
            Report("ToAll, per tab", n, n, rounds, () => broadcaster.BroadcastToAllAsync());
        }

        Console.WriteLine();
        Console.WriteLine($"Times are per broadcast (per tab for ToAll); load average now {Paired.LoadAverage()}.");
        return 0;
    }

    private static void Report(string name, int n, int per, int rounds, Func<ValueTask<int>> broadcast)
    {
        var results = Paired.Run([new PairedSide("quiet", broadcast), new PairedSide("listened", broadcast, Around: Listening.Start)], rounds);
        Console.WriteLine(Paired.Row(name, n, per, results, [(1, 0)]));
    }

    /// <summary>A meter listener that sums every LiveState measurement and an activity listener that records every LiveState span.</summary>
    private sealed class Listening : IDisposable
    {
        private readonly MeterListener _meters = new();
        private readonly ActivityListener _activities;
        private long _measurements;
        private long _spans;

        private Listening()
        {
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LiveStateMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _meters.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
            _meters.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
            _meters.Start();
            _activities = new ActivityListener
            {
                ShouldListenTo = source => source.Name == LiveStateActivity.SourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _ => Interlocked.Increment(ref _spans),
            };
            ActivitySource.AddActivityListener(_activities);
        }

        public static Listening Start() => new();

        public void Dispose()
        {
            _meters.Dispose();
            _activities.Dispose();
            if (Volatile.Read(ref _measurements) == 0 || Volatile.Read(ref _spans) == 0)
            {
                throw new InvalidOperationException("The listeners saw nothing: the listened side measured no telemetry.");
            }
        }
    }
}
