using System.Diagnostics;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Benchmarks.Rendering;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// The ratio targets with real renders: every circuit has a <see cref="BenchRenderer"/> that diffs the bench app's
/// page (layout, nav menu, 20 plain components, 3 readers of the slot that changes), and every side re-renders what
/// it really re-renders. Baseline 1 raises its one event (every reader of every circuit filters); baseline 2 calls
/// <c>InvokeAsync(StateHasChanged)</c> on the 3 readers of each targeted circuit; LiveState goes through the
/// <see cref="ILiveStateModel"/> (after: <c>SubscriptionModel</c>; before: 0.1's <c>CascadeModel</c>). Tabs come 3 to a group (one browser each);
/// targeted operations pick a random group every call. After every timed window each side's renders are counted over
/// all circuits and checked against what it must render: a side that renders the wrong components fails the run.
/// </summary>
internal static class RealRenderRatios
{
    internal const int TabsPerGroup = 3;
    private static readonly string[] Sides = ["baseline 1", "baseline 2", "LiveState"];
    private static readonly (int, int)[] Ratios = [(2, 1), (2, 0)];
    private static readonly ExpectedRenders HandOnly = new(3, 3, "3 readers");

    public static async Task<int> RunAsync(int rounds, int[] sizes, string modelName)
    {
        Paired.PrintEnvironment($"Real renders, model '{modelName}': {rounds} rounds of {Paired.Window.TotalMilliseconds:F0} ms (at least 3 operations) per side after {Paired.Warmup.TotalSeconds:F0} s of warm-up per side, order alternating; medians over rounds; CPU ratio = median of the per-round ratios, bootstrap 95% interval over rounds");
        var rows = new List<string>();
        var notes = new List<string>();
        foreach (var n in sizes)
        {
            var built = Stopwatch.StartNew();
            await using var hand = new HandWrittenApp();
            await using var model = LiveStateModels.Create(modelName);
            await using var handWorld = await RenderWorld.CreateAsync(hand, n, TabsPerGroup);
            await using var liveWorld = await RenderWorld.CreateAsync(model, n, TabsPerGroup, group => model.UpdateAsync(group));
            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {n:N0} circuits per app built in {built.Elapsed.TotalSeconds:F1} s; first renders: hand-written {handWorld.Totals()}, LiveState {liveWorld.Totals()}");

            foreach (var c in Cases(n, hand, handWorld, model, liveWorld))
            {
                rows.Add(Report(c.Name, n, c.Per, rounds, c.MinOperations, c.Sides));
            }

            notes.Add($"N = {n:N0}: per tab reached, baselines render {HandOnly.What}; LiveState broadcast renders {model.Broadcast.Components} ({model.Broadcast.What}), update {model.Update.Components} ({model.Update.What}); checked after every window.");
        }

        Console.WriteLine(Paired.Header(Sides, Ratios));
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        Console.WriteLine();
        foreach (var note in notes)
        {
            Console.WriteLine(note);
        }

        Console.WriteLine($"Times are per operation (per tab for broadcasts to all). Ratios: LiveState / baseline 2 (the reference for targeted sends), LiveState / baseline 1 (the reference for broadcasts to all). Load average now {Paired.LoadAverage()}.");
        return 0;
    }

    /// <summary>
    /// The three cases, each with its three sides over the same random targets: a broadcast to 1 random group of 3 tabs,
    /// an update of 1 random group, a broadcast to all (per tab). Every side checks its renders after every window.
    /// </summary>
    internal static RenderCase[] Cases(int n, HandWrittenApp hand, RenderWorld handWorld, ILiveStateModel model, RenderWorld liveWorld)
    {
        // Random full groups (3 tabs), the same sequence for every side.
        var fullGroups = n / TabsPerGroup;
        var draws = Targets.Draw(fullGroups, first: 0, count: 1 << 16, seed: 2);
        var handTargets = new Targets(draws.Select(g => handWorld.Groups[g]).ToArray());
        var liveTargets = new Targets(draws.Select(g => liveWorld.Groups[g]).ToArray());
        var hub = hand.Hub;

        var b1 = handTargets.Cursor();
        var b2 = handTargets.Cursor();
        var live = liveTargets.Cursor();
        var u1 = handTargets.Cursor();
        var u2 = handTargets.Cursor();
        var uLive = liveTargets.Cursor();
        return
        [
            new("Broadcast to 1 random group (3 tabs)", 1, 1,
            [
                new("baseline 1", () => Sync(() => hub.RaiseGroup(b1.Next())), Renders(handWorld, HandOnly, TabsPerGroup)),
                new("baseline 2", () => Sync(() => hub.NotifyGroup(b2.Next())), Renders(handWorld, HandOnly, TabsPerGroup)),
                new("LiveState", () => model.BroadcastToGroupAsync(live.Next()), Renders(liveWorld, model.Broadcast, TabsPerGroup)),
            ]),
            new("Update of 1 random group (3 tabs)", 1, 1,
            [
                new("baseline 1", () => Sync(() => { var g = u1.Next(); hub.Increment(g); hub.RaiseGroup(g); }), Renders(handWorld, HandOnly, TabsPerGroup)),
                new("baseline 2", () => Sync(() => { var g = u2.Next(); hub.Increment(g); hub.NotifyGroup(g); }), Renders(handWorld, HandOnly, TabsPerGroup)),
                new("LiveState", async () => { await model.UpdateAsync(uLive.Next()); return TabsPerGroup; }, Renders(liveWorld, model.Update, TabsPerGroup)),
            ]),
            new("Broadcast to all, per tab", n, 3,
            [
                new("baseline 1", () => Sync(hub.RaiseAll), Renders(handWorld, HandOnly, n)),
                new("baseline 2", () => Sync(() => hub.NotifyAll()), Renders(handWorld, HandOnly, n)),
                new("LiveState", model.BroadcastToAllAsync, Renders(liveWorld, model.Broadcast, n)),
            ]),
        ];
    }

    private static string Report(string name, int n, int per, int rounds, int minOperations, params PairedSide[] sides)
    {
        var results = Paired.Run(sides, rounds, minOperations);
        var row = Paired.Row(name, n, per, results, Ratios);
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {row}");
        return row;
    }

    private static ValueTask<int> Sync(Action notify)
    {
        notify();
        return ValueTask.FromResult(TabsPerGroup);
    }

    /// <summary>Checks, after each window, that the side rendered exactly <paramref name="expected"/> in <paramref name="tabs"/> circuits per operation, and nothing else.</summary>
    private static Func<Action<long>> Renders(RenderWorld world, ExpectedRenders expected, int tabs) => () =>
    {
        var before = world.Totals();
        return operations =>
        {
            var delta = world.Totals() - before;
            var wanted = new RenderTotals(operations * tabs * expected.Components, operations * tabs * expected.Readers, 0, delta.Page, delta.Layout);
            if (delta.Components != wanted.Components || delta.Readers != wanted.Readers || delta.Plain != 0)
            {
                throw new InvalidOperationException($"{world.App.Name}: {operations} operations reaching {tabs} tabs each rendered {delta}; expected {expected.Components} components per tab ({expected.What}).");
            }
        };
    };
}

/// <summary>One real-render case: its name, what its times are divided by (1, or the tabs for a broadcast to all), and its sides.</summary>
internal sealed record RenderCase(string Name, int Per, int MinOperations, PairedSide[] Sides);
