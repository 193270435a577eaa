using System.Diagnostics;
using System.Globalization;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// What a circuit joining a group costs as the group grows, through the registry's API (<see cref="CircuitRegistry.Register"/>,
/// <see cref="CircuitRegistry.Unregister"/>, as <c>LiveCircuitContext</c> calls them): M tabs joining one group (the
/// cost of each block of 1,000 joins, the last block being joins into a group of M - 1,000 to M members) against M
/// tabs joining M empty groups; churn (one join and one leave) inside an M-member group against the same in an empty
/// group; and what LiveState's circuit handler adds to a join, a presence broadcast to the group's other tabs (with
/// hand-off targets, no rendering), at M members against an empty group. Each round builds fresh registries; the
/// two sides of each comparison alternate in order round by round. Anonymous identities (one browser group each).
/// </summary>
internal static class JoinCost
{
    private const int Block = 1_000;
    private const int PresenceJoins = 200;

    public static int Run(int members, int rounds)
    {
        Paired.PrintEnvironment($"Joins: {members:N0} tabs into one group vs {members:N0} into empty groups, churn inside a {members:N0}-member group, {rounds} rounds alternating; times per operation (CPU time, one thread), median over rounds");
        var ids = new string[members + Block];
        var random = new Random(3);
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = World.CircuitId(random);
        }

        var shared = new LiveIdentity(LiveIdentity.BrowserGroup("one-browser"));
        var own = ids.Select(id => new LiveIdentity(LiveIdentity.BrowserGroup(id))).ToArray();

        var empty = new List<double>();
        var oneGroupAll = new List<double>();
        var oneGroupFirst = new List<double>();
        var oneGroupLast = new List<double>();
        var churnBig = new List<double>();
        var churnEmpty = new List<double>();
        var presenceBig = new List<double>();
        var presenceEmpty = new List<double>();
        Warm(ids, own, shared);
        for (var round = 0; round < rounds; round++)
        {
            void Empty()
            {
                var registry = NewRegistry();
                empty.Add(Time(() =>
                {
                    for (var i = 0; i < members; i++)
                    {
                        registry.Register(ids[i], own[i]);
                    }
                }) / members);
            }

            void OneGroup()
            {
                var registry = NewRegistry();
                var blocks = new List<double>();
                for (var start = 0; start < members; start += Block)
                {
                    blocks.Add(Time(() =>
                    {
                        for (var i = start; i < start + Block && i < members; i++)
                        {
                            registry.Register(ids[i], shared);
                        }
                    }) / Block);
                }

                oneGroupAll.Add(blocks.Average());
                oneGroupFirst.Add(blocks[0]);
                oneGroupLast.Add(blocks[^1]);

                // Churn inside the full group: a tab opens and closes.
                churnBig.Add(Churn(registry, ids, members, shared));
            }

            void EmptyChurn()
            {
                var registry = NewRegistry();
                churnEmpty.Add(Churn(registry, ids, members, shared));
            }

            Action[] sides = [Empty, OneGroup, EmptyChurn];
            for (var k = 0; k < sides.Length; k++)
            {
                sides[round % 2 == 0 ? k : sides.Length - 1 - k]();
            }

            // Presence: a join followed by the broadcast LiveCircuitHandler sends to the group's other tabs.
            var (big, alone) = Presence(ids, own, shared, members, round % 2 == 0);
            presenceBig.Add(big);
            presenceEmpty.Add(alone);
        }

        string F(List<double> values) => string.Create(CultureInfo.InvariantCulture, $"{Paired.FormatNs(Stats.Median(values))} ({Paired.FormatNs(values.Min())}-{Paired.FormatNs(values.Max())})");
        Console.WriteLine("| operation | CPU per operation, median (min-max) | vs the same into an empty group |");
        Console.WriteLine("|---|---:|---:|");
        var baseJoin = Stats.Median(empty);
        Console.WriteLine($"| join into an empty group ({members:N0} joins, {members:N0} groups) | {F(empty)} | 1 |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| join into one group, first {Block:N0} (0-{Block:N0} members) | {F(oneGroupFirst)} | {Stats.Median(oneGroupFirst) / baseJoin:F2}x |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| join into one group, last {Block:N0} ({members - Block:N0}-{members:N0} members) | {F(oneGroupLast)} | **{Stats.Median(oneGroupLast) / baseJoin:F2}x** |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| join into one group, all {members:N0} (average) | {F(oneGroupAll)} | {Stats.Median(oneGroupAll) / baseJoin:F2}x |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| churn (join + leave) in a {members:N0}-member group | {F(churnBig)} | {Stats.Median(churnBig) / Stats.Median(churnEmpty):F2}x (vs churn in an empty group: {Paired.FormatNs(Stats.Median(churnEmpty))}) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| join + presence broadcast to a {members:N0}-member group (hand-off targets) | {F(presenceBig)} | {Stats.Median(presenceBig) / Stats.Median(presenceEmpty):F2}x (vs into an empty group: {Paired.FormatNs(Stats.Median(presenceEmpty))}) |"));
        Console.WriteLine();
        Console.WriteLine($"Target: a join into a {members:N0}-member group <= 2x a join into an empty group. Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    private static CircuitRegistry NewRegistry() => new(TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<CircuitRegistry>.Instance);

    private static double Churn(CircuitRegistry registry, string[] ids, int members, LiveIdentity group)
    {
        var extra = ids.AsSpan(members).ToArray();
        return Time(() =>
        {
            foreach (var id in extra)
            {
                registry.Register(id, group);
                registry.Unregister(id);
            }
        }) / extra.Length;
    }

    /// <summary>Joins with the presence broadcast, at <paramref name="members"/> members and into empty groups; returns both per join.</summary>
    private static (double Big, double Empty) Presence(string[] ids, LiveIdentity[] own, LiveIdentity shared, int members, bool bigFirst)
    {
        using var services = new ServiceCollection().AddLogging().AddLiveState().Services.BuildServiceProvider();
        var registry = services.GetRequiredService<CircuitRegistry>();
        var broadcaster = services.GetRequiredService<Broadcasting.Broadcaster>();
        for (var i = 0; i < members; i++)
        {
            registry.Register(ids[i], shared).AddTarget(new LiveTarget(new FakeComponent()));
        }

        double Join(int from, Func<int, LiveIdentity> identity) => Time(() =>
        {
            for (var i = from; i < from + PresenceJoins; i++)
            {
                var circuit = registry.Register(ids[i], identity(i));
                circuit.AddTarget(new LiveTarget(new FakeComponent()));
                broadcaster.BroadcastToGroupAsync(identity(i).GroupId, circuit.Id).AsTask().GetAwaiter().GetResult();
                registry.Unregister(ids[i]);
            }
        }) / PresenceJoins;

        var big = 0.0;
        var alone = 0.0;
        if (bigFirst)
        {
            big = Join(members, _ => shared);
            alone = Join(members, i => own[i]);
        }
        else
        {
            alone = Join(members, i => own[i]);
            big = Join(members, _ => shared);
        }

        return (big, alone);
    }

    private static void Warm(string[] ids, LiveIdentity[] own, LiveIdentity shared)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Paired.Warmup)
        {
            var registry = NewRegistry();
            for (var i = 0; i < 2_000; i++)
            {
                registry.Register(ids[i], i % 2 == 0 ? shared : own[i]);
            }

            for (var i = 0; i < 2_000; i++)
            {
                registry.Unregister(ids[i]);
            }
        }

        Presence(ids, own, shared, 1_000, true);
    }

    private static double Time(Action work)
    {
        var cpu = CpuClock.Now();
        work();
        return CpuClock.Now() - cpu;
    }
}
