using System.Diagnostics;
using System.Globalization;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// K broadcasters at once (K = 1, 8, 16, 32), each sending targeted broadcasts to random groups one after the
/// other, for a window: broadcasts per second and CPU per broadcast, LiveState against baseline 2 (a dictionary of
/// per-group callbacks under a lock). 30,000 tabs in 10,000 groups of 3 (so every LiveState broadcast renders three
/// circuits on its caller's thread); hand-off targets (a counter bump per tab). The two sides alternate in order
/// round by round.
/// </summary>
internal static class ConcurrentBroadcasters
{
    private const int Groups = 10_000;
    private const int TabsPerGroup = 3;
    private static readonly int[] Broadcasters = [1, 8, 16, 32];

    public static int Run(int rounds)
    {
        Paired.PrintEnvironment($"Concurrent broadcasters: {Groups * TabsPerGroup:N0} tabs in {Groups:N0} groups of {TabsPerGroup}, random groups, hand-off targets; {rounds} rounds of {Paired.Window.TotalMilliseconds:F0} ms per side after {Paired.Warmup.TotalSeconds:F0} s of warm-up per side, sides alternating; medians over rounds, CPU ratio with a bootstrap 95% interval over rounds");
        using var services = new ServiceCollection().AddLogging().AddLiveState().Services.BuildServiceProvider();
        var registry = services.GetRequiredService<CircuitRegistry>();
        var broadcaster = services.GetRequiredService<Broadcasting.Broadcaster>();
        var byHand = new PerUserEventLists();
        var random = new Random(4);
        var groups = new string[Groups];
        var liveComponents = new List<FakeComponent>();
        var handComponents = new List<FakeComponent>();
        for (var g = 0; g < Groups; g++)
        {
            groups[g] = LiveIdentity.BrowserGroup(World.CircuitId(random));
            for (var t = 0; t < TabsPerGroup; t++)
            {
                var live = new FakeComponent();
                registry.Register(World.CircuitId(random), new LiveIdentity(groups[g])).AddTarget(new LiveTarget(live));
                liveComponents.Add(live);
                var hand = new FakeComponent();
                byHand.Subscribe(groups[g], hand);
                handComponents.Add(hand);
            }
        }

        var draws = Targets.Draw(Groups, 0, 1 << 16, seed: 5).Select(g => groups[g]).ToArray();
        Console.WriteLine("| broadcasters | baseline 2 broadcasts/s | LiveState broadcasts/s | baseline 2 CPU | LiveState CPU | LiveState / baseline 2 CPU (95% CI) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var k in Broadcasters)
        {
            Func<string, ValueTask<int>> hand = group => ValueTask.FromResult(byHand.NotifyUser(group));
            Func<string, ValueTask<int>> live = group => broadcaster.BroadcastToGroupAsync(group);
            var sides = new[] { (hand, handComponents), (live, liveComponents) };
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed < Paired.Warmup + Paired.Warmup)
            {
                Measure(hand, k, draws, handComponents, Paired.Window);
                Measure(live, k, draws, liveComponents, Paired.Window);
            }

            var results = new[] { new List<(double PerSecond, double CpuNs)>(), new List<(double PerSecond, double CpuNs)>() };
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < 2; i++)
                {
                    var s = round % 2 == 0 ? i : 1 - i;
                    results[s].Add(Measure(sides[s].Item1, k, draws, sides[s].Item2, Paired.Window));
                }
            }

            var ratios = results[1].Zip(results[0], (l, h) => l.CpuNs / h.CpuNs).ToArray();
            var (low, high) = Stats.BootstrapMedianInterval(ratios);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {k} | {Stats.Median(results[0].Select(r => r.PerSecond)):N0} | {Stats.Median(results[1].Select(r => r.PerSecond)):N0} | {Paired.FormatNs(Stats.Median(results[0].Select(r => r.CpuNs)))} | {Paired.FormatNs(Stats.Median(results[1].Select(r => r.CpuNs)))} | **{Stats.Median(ratios):F3}** [{low:F3}, {high:F3}] |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Per broadcast, 3 tabs reached each, checked after every window. Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    /// <summary>Runs <paramref name="broadcasters"/> loops for the window, each from its own point in the target sequence.</summary>
    private static (double PerSecond, double CpuNs) Measure(Func<string, ValueTask<int>> broadcast, int broadcasters, string[] targets, List<FakeComponent> components, TimeSpan window)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var rendersBefore = World.Renders(components);
        var counts = new long[broadcasters];
        var cpu = CpuClock.Now();
        var watch = Stopwatch.StartNew();
        var tasks = new Task[broadcasters];
        for (var b = 0; b < broadcasters; b++)
        {
            var index = b;
            tasks[b] = Task.Run(async () =>
            {
                var next = index * (targets.Length / broadcasters);
                do
                {
                    await broadcast(targets[next]);
                    next = next + 1 == targets.Length ? 0 : next + 1;
                    counts[index]++;
                }
                while (watch.Elapsed < window);
            });
        }

        Task.WaitAll(tasks);
        var elapsed = watch.Elapsed.TotalSeconds;
        var cpuUsed = CpuClock.Now() - cpu;
        var total = counts.Sum();

        // Concurrent broadcasts to one group may coalesce (a render already queued shows both), so at most 3 per broadcast.
        var rendered = World.Renders(components) - rendersBefore;
        if (rendered > total * TabsPerGroup || rendered < total)
        {
            throw new InvalidOperationException($"{total} broadcasts rendered {rendered} tabs; expected up to {TabsPerGroup} each.");
        }

        return (total / elapsed, cpuUsed / (double)total);
    }
}
