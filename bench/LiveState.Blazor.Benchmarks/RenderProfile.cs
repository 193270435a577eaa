using System.Diagnostics;
using System.Globalization;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Benchmarks.Rendering;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// One side of one real-render case (<see cref="RealRenderRatios.Cases"/>) alone, for a profiler to look at: the
/// worlds are built, the side warms up, then a line <c>[profile] start</c> on standard error marks the steady part
/// (attach <c>perf record -p PID</c> then), which runs for the seconds asked in windows whose renders are checked as
/// in <c>render</c>. Prints the side's CPU time per operation over the steady part.
/// </summary>
internal static class RenderProfile
{
    public static async Task<int> RunAsync(string caseName, string sideName, double seconds, int n, string modelName)
    {
        await using var hand = new HandWrittenApp();
        await using var model = LiveStateModels.Create(modelName);
        await using var handWorld = await RenderWorld.CreateAsync(hand, n, RealRenderRatios.TabsPerGroup);
        await using var liveWorld = await RenderWorld.CreateAsync(model, n, RealRenderRatios.TabsPerGroup, group => model.UpdateAsync(group));
        var cases = RealRenderRatios.Cases(n, hand, handWorld, model, liveWorld);
        var chosen = caseName switch
        {
            "group" => cases[0],
            "update" => cases[1],
            "all" => cases[2],
            _ => throw new ArgumentException($"Unknown case '{caseName}': group, update or all."),
        };
        var side = sideName switch
        {
            "baseline1" => chosen.Sides[0],
            "baseline2" => chosen.Sides[1],
            "live" => chosen.Sides[2],
            _ => throw new ArgumentException($"Unknown side '{sideName}': baseline1, baseline2 or live."),
        };

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < Paired.Warmup)
        {
            Paired.Time(side, chosen.MinOperations);
        }

        Console.Error.WriteLine($"[profile] start: pid {Environment.ProcessId}, {chosen.Name}, {side.Name}, N = {n:N0}, model '{modelName}', {seconds} s");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        var steady = Stopwatch.StartNew();
        double cpu = 0;
        long operations = 0;
        while (steady.Elapsed.TotalSeconds < seconds)
        {
            var timing = Paired.Time(side, chosen.MinOperations);
            cpu += timing.CpuNs * timing.Operations;
            operations += timing.Operations;
        }

        Console.Error.WriteLine("[profile] end");
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        collections = GC.CollectionCount(0) - collections;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chosen.Name}, {side.Name}, N = {n:N0}: {operations:N0} operations, {Paired.FormatNs(cpu / operations / chosen.Per)} CPU and {allocated / (double)operations / chosen.Per:N0} B allocated per operation{(chosen.Per > 1 ? " per tab" : "")} (windows' own collections included: {collections:N0} gen0 collections). Load average now {Paired.LoadAverage()}."));
        return 0;
    }
}
