using System.Diagnostics;
using System.Globalization;
using LiveState.Blazor.Benchmarks.Infrastructure;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// The ratio targets, measured in pairs: each round times baseline 1 and LiveState back to back (order alternating),
/// for wall time and for process CPU time, and the table reports the median over rounds of each per-round ratio.
/// A burst of load from other work on the machine then lands on both sides of a pair alike.
/// </summary>
internal static class PairedRatios
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);

    public static int Run(int rounds, int[] sizes)
    {
        Console.WriteLine($"Paired ratios: {rounds} rounds of {Window.TotalMilliseconds:F0} ms per side; median per-round values. {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}.");
        Console.WriteLine();
        Console.WriteLine("| case | N | baseline 1 wall | LiveState wall | baseline 1 CPU | LiveState CPU | LiveState / baseline 1 (wall) | LiveState / baseline 1 (CPU) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var n in sizes)
        {
            using var world = World.Create(n);
            var broadcaster = world.Broadcaster;
            Report("ToGroup, 3 tabs reached", n, 1, Measure(rounds,
                () => Sync(() => world.Notifier.NotifyGroup(World.AliceGroup)),
                () => broadcaster.BroadcastToGroupAsync(World.AliceGroup)));
            Report("ToUsers, 3 tabs reached", n, 1, Measure(rounds,
                () => Sync(() => world.Notifier.NotifyUsers(World.ThreeUsers)),
                () => broadcaster.BroadcastToUsersAsync(World.ThreeUsers)));
            Report("ToAll, per tab", n, n, Measure(rounds,
                () => Sync(world.Notifier.NotifyAll),
                () => broadcaster.BroadcastToAllAsync()));
        }

        Console.WriteLine();
        Console.WriteLine($"Times are per broadcast (per tab for ToAll); load average now {LoadAverage()}.");
        return 0;
    }

    private static ValueTask<int> Sync(Action notify)
    {
        notify();
        return ValueTask.FromResult(3);
    }

    private static List<(Side Baseline, Side Library)> Measure(int rounds, Func<ValueTask<int>> baseline, Func<ValueTask<int>> library) =>
        Measure(rounds, () => Time(baseline), () => Time(library));

    /// <summary>Runs <paramref name="rounds"/> pairs of the two sides, alternating which goes first, after one discarded pair.</summary>
    internal static List<(Side Baseline, Side Library)> Measure(int rounds, Func<Side> baseline, Func<Side> library)
    {
        // One discarded round warms both up (tiered JIT, caches).
        baseline();
        library();
        var pairs = new List<(Side, Side)>();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                var b = baseline();
                pairs.Add((b, library()));
            }
            else
            {
                var l = library();
                pairs.Add((baseline(), l));
            }
        }

        return pairs;
    }

    // Runs the operations on a thread-pool thread and awaits each, as a circuit or a background job would: the
    // caller never spins or blocks on a broadcast, so CPU time counts the broadcast's work and nothing else.
    internal static Side Time(Func<ValueTask<int>> operation) => Task.Run(async () =>
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpu = CpuClock.Now();
        var watch = Stopwatch.StartNew();
        long ops = 0;
        do
        {
            await operation();
            ops++;
        }
        while (watch.Elapsed < Window);

        var wall = watch.Elapsed.TotalNanoseconds;
        var cpuUsed = CpuClock.Now() - cpu;
        return new Side(wall / ops, cpu < 0 ? double.NaN : cpuUsed / (double)ops);
    }).GetAwaiter().GetResult();

    internal static void Report(string name, int n, int per, List<(Side Baseline, Side Library)> pairs)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var baseWall = Median(pairs.Select(p => p.Baseline.WallNs)) / per;
        var libWall = Median(pairs.Select(p => p.Library.WallNs)) / per;
        var baseCpu = Median(pairs.Select(p => p.Baseline.CpuNs)) / per;
        var libCpu = Median(pairs.Select(p => p.Library.CpuNs)) / per;
        var wallRatio = Median(pairs.Select(p => p.Library.WallNs / p.Baseline.WallNs));
        var cpuRatio = Median(pairs.Select(p => p.Library.CpuNs / p.Baseline.CpuNs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {n:N0} | {Format(baseWall)} | {Format(libWall)} | {Format(baseCpu)} | {Format(libCpu)} | {wallRatio:G3} | {cpuRatio:G3} |"));
    }

    private static string Format(double nanoseconds) => nanoseconds switch
    {
        double.NaN => "n/a",
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000_000:F2} ms"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000:F2} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:F0} ns"),
    };

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal readonly record struct Side(double WallNs, double CpuNs);
}
