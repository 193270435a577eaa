using System.Diagnostics;
using System.Globalization;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Benchmarks.Rendering;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// A quiet server: 1,000 real circuits of the bench app with LiveState and 1,000 of the hand-written app, and one
/// broadcast every 100 ms (to a random group of 3 tabs, or to all), driven by a <see cref="PeriodicTimer"/>. For each
/// phase, over a fixed wall window: the process's CPU time per second, its threads' context switches per second
/// (voluntary and not, per thread from /proc/self/task/*/status: each voluntary switch is a thread going to sleep,
/// so roughly one wake-up), thread-pool work items per second and the process's active timers. The "quiet" phase runs the
/// same 100 ms timer doing nothing: the floor every other phase stands on. Phases alternate in order round by round, and each starts after a 500 ms pause that lets the previous one wind down.
/// </summary>
internal static class IdleCpu
{
    private const int Circuits = 1_000;
    private const int TabsPerGroup = 3;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(double seconds, int rounds, string modelName)
    {
        var window = TimeSpan.FromSeconds(seconds);
        Paired.PrintEnvironment($"Idle server, {Circuits:N0} real circuits per app, one broadcast every {Period.TotalMilliseconds:F0} ms; {rounds} rounds of {window.TotalSeconds:F0} s per phase, phases alternating, model '{modelName}'");
        await using var hand = new HandWrittenApp();
        await using var model = LiveStateModels.Create(modelName);
        await using var handWorld = await RenderWorld.CreateAsync(hand, Circuits, TabsPerGroup);
        await using var liveWorld = await RenderWorld.CreateAsync(model, Circuits, TabsPerGroup, group => model.UpdateAsync(group));
        var draws = Targets.Draw(Circuits / TabsPerGroup, 0, 1 << 12, seed: 6);
        var handTargets = new Targets(draws.Select(g => handWorld.Groups[g]).ToArray()).Cursor();
        var liveTargets = new Targets(draws.Select(g => liveWorld.Groups[g]).ToArray()).Cursor();
        var hub = hand.Hub;

        var phases = new (string Name, Func<ValueTask> Tick)[]
        {
            ("quiet (the 100 ms timer only)", () => ValueTask.CompletedTask),
            ("baseline 2, one random group", () => { hub.NotifyGroup(handTargets.Next()); return ValueTask.CompletedTask; }),
            ("LiveState, one random group", async () => await model.BroadcastToGroupAsync(liveTargets.Next())),
            ("baseline 1, all", () => { hub.RaiseAll(); return ValueTask.CompletedTask; }),
            ("LiveState, all", async () => await model.BroadcastToAllAsync()),
        };

        // Warm-up: every phase's work for a while, JIT and caches settled.
        foreach (var phase in phases)
        {
            await MeasureAsync(phase.Tick, TimeSpan.FromSeconds(1));
        }

        var results = phases.Select(_ => new List<Sample>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < phases.Length; k++)
            {
                var p = round % 2 == 0 ? k : phases.Length - 1 - k;
                results[p].Add(await MeasureAsync(phases[p].Tick, window));
            }
        }

        Console.WriteLine("| phase | CPU ms per s (median, min-max) | voluntary context switches per s (~ wake-ups) | all context switches per s (with preemption by other processes) | pool work items per s | active timers (end) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        for (var p = 0; p < phases.Length; p++)
        {
            var r = results[p];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phases[p].Name} | {Stats.Median(r.Select(s => s.CpuMsPerSecond)):F2} ({r.Min(s => s.CpuMsPerSecond):F2}-{r.Max(s => s.CpuMsPerSecond):F2}) | {Stats.Median(r.Select(s => s.VoluntaryPerSecond)):F0} | {Stats.Median(r.Select(s => s.SwitchesPerSecond)):F0} | {Stats.Median(r.Select(s => s.WorkItemsPerSecond)):F0} | {r[^1].Timers} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Target: no timer wake-ups from the broadcaster while nothing is slow. Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    private static async Task<Sample> MeasureAsync(Func<ValueTask> tick, TimeSpan window)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Let what the previous phase left running wind down first (pool workers, a deadline armed by a broadcast that
        // had to wait; before issue 13's fix, a watchdog that ticked on for 200 ms after the last broadcast), so that
        // it is not counted against this phase.
        await Task.Delay(Settle);
        using var timer = new PeriodicTimer(Period);
        var switches = ContextSwitches();
        var items = ThreadPool.CompletedWorkItemCount;
        var cpu = CpuClock.Now();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < window && await timer.WaitForNextTickAsync())
        {
            await tick();
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var cpuMs = (CpuClock.Now() - cpu) / 1e6;
        var (voluntary, involuntary) = Switches(switches, ContextSwitches());
        return new Sample(
            cpuMs / seconds,
            (voluntary + involuntary) / seconds,
            voluntary / seconds,
            (ThreadPool.CompletedWorkItemCount - items) / seconds,
            Timer.ActiveCount);
    }

    /// <summary>Context switches per live thread of this process, by thread id.</summary>
    private static Dictionary<string, (long Voluntary, long Involuntary)> ContextSwitches()
    {
        var threads = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc/self/task"))
        {
            return threads;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            long voluntary = 0, involuntary = 0;
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        voluntary = long.Parse(line.AsSpan("voluntary_ctxt_switches:".Length).Trim(), CultureInfo.InvariantCulture);
                    }
                    else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    {
                        involuntary = long.Parse(line.AsSpan("nonvoluntary_ctxt_switches:".Length).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                continue; // the thread ended while we read it
            }

            threads[Path.GetFileName(task)] = (voluntary, involuntary);
        }

        return threads;
    }

    /// <summary>
    /// The switches between two readings: for each thread alive at the second, its count minus its count at the first
    /// (zero if it started since). Threads that ended in between are not counted; few do while a phase runs.
    /// </summary>
    private static (long Voluntary, long Involuntary) Switches(Dictionary<string, (long Voluntary, long Involuntary)> before, Dictionary<string, (long Voluntary, long Involuntary)> after)
    {
        long voluntary = 0, involuntary = 0;
        foreach (var (thread, counts) in after)
        {
            var earlier = before.GetValueOrDefault(thread);
            voluntary += counts.Voluntary - earlier.Voluntary;
            involuntary += counts.Involuntary - earlier.Involuntary;
        }

        return (voluntary, involuntary);
    }

    private readonly record struct Sample(double CpuMsPerSecond, double SwitchesPerSecond, double VoluntaryPerSecond, double WorkItemsPerSecond, long Timers);
}
