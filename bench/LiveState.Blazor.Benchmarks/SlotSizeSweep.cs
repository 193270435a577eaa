using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LiveState.Blazor.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks;

/// <summary>An item of the sweep's slots: about 100 bytes of JSON.</summary>
public sealed class SweepItem
{
    /// <summary>Its id.</summary>
    public int Id { get; set; }

    /// <summary>Its name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Some text.</summary>
    public string Note { get; set; } = "";

    /// <summary>What the updates change.</summary>
    public int Count { get; set; }
}

/// <summary>The mutable slot: <c>UpdateAsync(Action&lt;T&gt;)</c> copies it through System.Text.Json on every update.</summary>
[SessionGroupSlot("bench.sweep.mutable")]
public sealed class SweepMutable
{
    /// <summary>The items (1, 100 or 10,000: about 100 B, 10 KB or 1 MB of JSON).</summary>
    public List<SweepItem> Items { get; set; } = [];

    /// <summary>Bumped by every update.</summary>
    public int Counter { get; set; }
}

/// <summary>An item of the record slot.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Note">Some text.</param>
/// <param name="Count">What the updates change.</param>
public sealed record SweepItemRecord(int Id, string Name, string Note, int Count);

/// <summary>The record slot: <c>UpdateAsync(Func&lt;T, T&gt;)</c> replaces it; an update builds a new record that shares the untouched items.</summary>
/// <param name="Items">The items.</param>
/// <param name="Counter">Bumped by every update.</param>
[SessionGroupSlot("bench.sweep.record")]
public sealed record SweepRecord(ImmutableArray<SweepItemRecord> Items, int Counter)
{
    /// <summary>The empty slot.</summary>
    public SweepRecord()
        : this([], 0)
    {
    }
}

/// <summary>
/// <c>UpdateAsync</c> by slot size and number of concurrent writers, in memory, with no circuit open in the groups
/// (so the figures are the update itself: copy, store, an empty broadcast). Slots of about 100 B, 10 KB and 1 MB of
/// JSON, as a mutable class (mutate-a-copy: one item's count and the counter change) and as a record (one item
/// replaced with <c>ImmutableArray.SetItem</c>, the counter bumped); 1, 4 and 16 writers, all on one group or each on
/// its own. Each writer awaits its updates one after the other on a thread-pool thread for the window.
/// </summary>
internal static class SlotSizeSweep
{
    private static readonly (string Name, int Items)[] Sizes = [("100 B", 1), ("10 KB", 100), ("1 MB", 10_000)];
    private static readonly int[] Writers = [1, 4, 16];

    public static int Run(double seconds, int rounds)
    {
        var window = TimeSpan.FromSeconds(seconds);
        Paired.PrintEnvironment($"UpdateAsync by slot size and writers, in memory, no circuits open: {rounds} rounds of {window.TotalSeconds:F1} s per configuration (configurations alternating in order round by round) after {Paired.Warmup.TotalSeconds:F0} s of warm-up per kind and size; median updates/s over rounds");
        using var services = new ServiceCollection().AddLogging().AddLiveState().Services.BuildServiceProvider();
        var state = services.GetRequiredService<ISessionGroupStateService>();

        Console.WriteLine("| slot | JSON size | writers | groups | updates/s (median, min-max) | CPU per update | vs 1 writer |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|---:|");
        var summary = new List<string>();
        var next = 0;
        foreach (var (sizeName, items) in Sizes)
        {
            foreach (var kind in new[] { "mutable (Action<T>)", "record (Func<T,T>)" })
            {
                var mutable = kind.StartsWith("mutable", StringComparison.Ordinal);
                var bytes = mutable ? JsonSerializer.SerializeToUtf8Bytes(MutableValue(items)).Length : JsonSerializer.SerializeToUtf8Bytes(RecordValue(items)).Length;

                // Fresh groups per kind and size, seeded with the value.
                string[] NewGroups(int count) => Enumerable.Range(0, count).Select(_ => $"sweep:{next++}").ToArray();
                var one = NewGroups(1);
                var sixteen = NewGroups(16);
                foreach (var group in one.Concat(sixteen))
                {
                    Seed(state, group, mutable, items);
                }

                Func<string, Task> update = mutable
                    ? group => state.MutateAsync<SweepMutable>(group, static s => { s.Counter++; s.Items[s.Counter % s.Items.Count].Count++; })
                    : group => state.ReplaceAsync<SweepRecord>(group, static s =>
                    {
                        var at = (s.Counter + 1) % s.Items.Length;
                        return s with { Counter = s.Counter + 1, Items = s.Items.SetItem(at, s.Items[at] with { Count = s.Items[at].Count + 1 }) };
                    });

                var warm = Stopwatch.StartNew();
                while (warm.Elapsed < Paired.Warmup)
                {
                    Measure(update, [one[0]], 1, TimeSpan.FromMilliseconds(200));
                    Measure(update, sixteen, 16, TimeSpan.FromMilliseconds(200));
                }

                var configs = Writers.SelectMany(w => new[] { (Writers: w, Distinct: false), (Writers: w, Distinct: true) }).Where(c => c.Writers > 1 || !c.Distinct).ToArray();
                var results = configs.Select(_ => new List<(double PerSecond, double CpuNs)>()).ToArray();
                for (var round = 0; round < rounds; round++)
                {
                    for (var k = 0; k < configs.Length; k++)
                    {
                        var c = round % 2 == 0 ? k : configs.Length - 1 - k;
                        var groups = configs[c].Distinct ? sixteen : one;
                        results[c].Add(Measure(update, groups, configs[c].Writers, window));
                    }
                }

                var single = Stats.Median(results[0].Select(r => r.PerSecond));
                for (var c = 0; c < configs.Length; c++)
                {
                    var perSecond = Stats.Median(results[c].Select(r => r.PerSecond));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {kind} | {sizeName} ({bytes:N0} B) | {configs[c].Writers} | {(configs[c].Writers == 1 ? "one" : configs[c].Distinct ? "one each" : "one, shared")} | {perSecond:N0} ({results[c].Min(r => r.PerSecond):N0}-{results[c].Max(r => r.PerSecond):N0}) | {Paired.FormatNs(Stats.Median(results[c].Select(r => r.CpuNs)))} | {perSecond / single:F2}x |"));
                }

                var distinct16 = Stats.Median(results[Array.FindIndex(configs, c => c.Writers == 16 && c.Distinct)].Select(r => r.PerSecond));
                var shared16 = Stats.Median(results[Array.FindIndex(configs, c => c.Writers == 16 && !c.Distinct)].Select(r => r.PerSecond));
                summary.Add(string.Create(CultureInfo.InvariantCulture, $"{kind}, {sizeName}: 1 writer {single:N0}/s; 16 writers on 16 groups / 1 writer = {distinct16 / single:F2}x; 16 writers on one group / 1 writer = {shared16 / single:F2}x"));
            }
        }

        Console.WriteLine();
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine($"Targets: 10 KB >= 50,000 updates/s; 16 writers on 16 groups >= 1.6x one writer (2 cores). Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    private static SweepMutable MutableValue(int items) => new()
    {
        Items = Enumerable.Range(0, items).Select(i => new SweepItem { Id = i, Name = $"item-{i:D5}", Note = "a line of text that a to-do item might hold", Count = 0 }).ToList(),
    };

    private static SweepRecord RecordValue(int items) =>
        new([.. Enumerable.Range(0, items).Select(i => new SweepItemRecord(i, $"item-{i:D5}", "a line of text that a to-do item might hold", 0))], 0);

    private static void Seed(ISessionGroupStateService state, string group, bool mutable, int items)
    {
        if (mutable)
        {
            var value = MutableValue(items);
            state.MutateAsync<SweepMutable>(group, s => s.Items = value.Items).GetAwaiter().GetResult();
        }
        else
        {
            var value = RecordValue(items);
            state.ReplaceAsync<SweepRecord>(group, _ => value).GetAwaiter().GetResult();
        }
    }

    /// <summary>Runs <paramref name="writers"/> writers for the window, writer i on group i mod the groups given; returns updates/s and CPU per update.</summary>
    private static (double PerSecond, double CpuNs) Measure(Func<string, Task> update, string[] groups, int writers, TimeSpan window)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpu = CpuClock.Now();
        var watch = Stopwatch.StartNew();
        var counts = new long[writers];
        var tasks = new Task[writers];
        for (var w = 0; w < writers; w++)
        {
            var writer = w;
            var group = groups[writer % groups.Length];
            tasks[w] = Task.Run(async () =>
            {
                do
                {
                    await update(group);
                    counts[writer]++;
                }
                while (watch.Elapsed < window);
            });
        }

        Task.WaitAll(tasks);
        var elapsed = watch.Elapsed.TotalSeconds;
        var total = counts.Sum();
        return (total / elapsed, (CpuClock.Now() - cpu) / (double)total);
    }
}
