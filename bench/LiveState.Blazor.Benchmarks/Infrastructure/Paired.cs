using System.Diagnostics;
using System.Globalization;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>One side of a paired case: a name and the operation it repeats (awaited one after the other).</summary>
/// <param name="Name">Shown in the table: "baseline 1", "baseline 2", "LiveState".</param>
/// <param name="Operation">One operation; returns how many tabs (circuits) it reached.</param>
/// <param name="Check">Called before each timed window (to take a snapshot of the counts); what it returns is called after the window with the number of operations run, and throws if the side did the wrong work (rendered the wrong components, reached the wrong tabs).</param>
/// <param name="Around">Started before each of the side's windows and disposed after it (a listener, a load).</param>
internal sealed record PairedSide(string Name, Func<ValueTask<int>> Operation, Func<Action<long>>? Check = null, Func<IDisposable>? Around = null);

/// <summary>Wall and CPU time per operation of one side in one round.</summary>
internal readonly record struct Timing(double WallNs, double CpuNs, long Operations);

/// <summary>
/// Runs two or more sides of one case in alternating order, round by round, after a warm-up of at least
/// <see cref="Warmup"/> per side, and reports for each side its median wall and CPU time per operation and, for
/// each ratio asked for, the median of the per-round ratios with a bootstrap 95% confidence interval over rounds.
/// Every side runs on a thread-pool thread and awaits each operation, as a circuit or a background job would.
/// </summary>
internal static class Paired
{
    /// <summary>Warm-up per side and case: long enough for tiered compilation (and dynamic PGO) to finish.</summary>
    public static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    /// <summary>One timed window per side and round.</summary>
    public static TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Times every side <paramref name="rounds"/> times. Round r runs the sides in order when r is even and in reverse
    /// when odd, so that a burst of load from other processes lands on every side alike.
    /// </summary>
    /// <param name="sides">The sides.</param>
    /// <param name="rounds">Rounds.</param>
    /// <param name="minOperations">Operations per window at least, whatever the window (for operations that take longer than it).</param>
    public static Timing[][] Run(IReadOnlyList<PairedSide> sides, int rounds, int minOperations = 1)
    {
        foreach (var side in sides)
        {
            var until = Stopwatch.StartNew();
            while (until.Elapsed < Warmup)
            {
                Time(side, minOperations);
            }
        }

        var results = new Timing[sides.Count][];
        for (var s = 0; s < sides.Count; s++)
        {
            results[s] = new Timing[rounds];
        }

        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < sides.Count; k++)
            {
                var s = round % 2 == 0 ? k : sides.Count - 1 - k;
                results[s][round] = Time(sides[s], minOperations);
            }
        }

        return results;
    }

    /// <summary>Runs the side's operation for one window (and at least <paramref name="minOperations"/> times) on a pool thread.</summary>
    public static Timing Time(PairedSide side, int minOperations = 1)
    {
        var verify = side.Check?.Invoke();
        var timing = TimeWindow(side, minOperations);
        verify?.Invoke(timing.Operations);
        return timing;
    }

    private static Timing TimeWindow(PairedSide side, int minOperations) => Task.Run(async () =>
    {
        // The previous window's garbage is collected before this one starts, so that no side pays for another's. Only
        // the young generations: with 20,000 real circuits the heap holds 1.5 GB of live components, and a full
        // collection before every window would take longer than the windows.
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        using var around = side.Around?.Invoke();
        var operation = side.Operation;
        var cpu = CpuClock.Now();
        var watch = Stopwatch.StartNew();
        long ops = 0;
        do
        {
            await operation();
            ops++;
        }
        while (watch.Elapsed < Window || ops < minOperations);

        var wall = watch.Elapsed.TotalNanoseconds;
        var cpuUsed = CpuClock.Now() - cpu;
        return new Timing(wall / ops, cpu < 0 ? double.NaN : cpuUsed / (double)ops, ops);
    }).GetAwaiter().GetResult();

    /// <summary>The table header for <see cref="Row"/>, for the given sides and ratios.</summary>
    public static string Header(IReadOnlyList<string> sides, IReadOnlyList<(int Numerator, int Denominator)> ratios)
    {
        var columns = new List<string> { "case", "N" };
        columns.AddRange(sides.Select(s => $"{s} wall"));
        columns.AddRange(sides.Select(s => $"{s} CPU"));
        columns.AddRange(ratios.Select(r => $"{sides[r.Numerator]} / {sides[r.Denominator]} CPU (95% CI)"));
        columns.AddRange(ratios.Select(r => $"{sides[r.Numerator]} / {sides[r.Denominator]} wall"));
        var align = string.Join("|", columns.Select((_, i) => i == 0 ? "---" : "---:"));
        return $"| {string.Join(" | ", columns)} |\n|{align}|";
    }

    /// <summary>
    /// One table row: median wall and CPU time per operation of each side (divided by <paramref name="per"/>, e.g. per
    /// tab), then each ratio's median per-round CPU ratio with its bootstrap 95% interval, then the wall ratios.
    /// </summary>
    public static string Row(string name, int n, int per, Timing[][] results, IReadOnlyList<(int Numerator, int Denominator)> ratios)
    {
        var cells = new List<string> { name, n.ToString("N0", CultureInfo.InvariantCulture) };
        cells.AddRange(results.Select(r => FormatNs(Stats.Median(r.Select(t => t.WallNs)) / per)));
        cells.AddRange(results.Select(r => FormatNs(Stats.Median(r.Select(t => t.CpuNs)) / per)));
        foreach (var (num, den) in ratios)
        {
            var perRound = results[num].Zip(results[den], (a, b) => a.CpuNs / b.CpuNs).ToArray();
            var (low, high) = Stats.BootstrapMedianInterval(perRound);
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"**{Ratio(Stats.Median(perRound))}** [{Ratio(low)}, {Ratio(high)}]"));
        }

        foreach (var (num, den) in ratios)
        {
            var perRound = results[num].Zip(results[den], (a, b) => a.WallNs / b.WallNs);
            cells.Add(Ratio(Stats.Median(perRound)));
        }

        return $"| {string.Join(" | ", cells)} |";
    }

    /// <summary>A ratio to three decimals, or to three significant digits when it is small (a targeted send against baseline 1).</summary>
    public static string Ratio(double ratio) => ratio.ToString(ratio >= 0.1 ? "F3" : "G3", CultureInfo.InvariantCulture);

    public static string FormatNs(double nanoseconds) => nanoseconds switch
    {
        double.NaN => "n/a",
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000_000:F2} ms"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000:F2} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:F0} ns"),
    };

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The first line of every command's output: what ran, where, under which GC.</summary>
    public static void PrintEnvironment(string what)
    {
        Console.WriteLine($"{what}. {Rendering.LiveStateModels.Library}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC ({System.Runtime.GCSettings.LatencyMode}), load average {LoadAverage()}, {DateTime.Now:yyyy-MM-dd HH:mm}.");
        Console.WriteLine();
    }
}
