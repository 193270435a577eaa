using System.Globalization;
using BenchmarkDotNet.Running;
using LiveState.Blazor.Benchmarks;
using LiveState.Blazor.Benchmarks.Rendering;

// The commands behind issue 13's figures (each prints the exact set-up it ran with):
//   paired [rounds] [sizes]           hand-off ratios: baseline 1, baseline 2, LiveState; random targets over 100,000 tabs
//   render [rounds] [sizes]           the same with a real renderer per circuit and a realistic page
//   render-profile case side [seconds] [n]   one side of one render case alone, for perf (case: group, update, all; side: baseline1, baseline2, live)
//   circuit-memory [circuits]         heap per real circuit, with LiveState minus without
//   slots [seconds] [rounds]          UpdateAsync by slot size (100 B, 10 KB, 1 MB) and 1 / 4 / 16 writers
//   joins [members] [rounds]          a join into a big group vs into an empty one; churn inside a big group
//   concurrency [rounds]              8-32 concurrent broadcasters
//   idle [seconds] [rounds]           CPU and wake-ups of 1,000 circuits receiving one broadcast every 100 ms
//   memory [circuits]                 the registry's own structures per circuit
//   telemetry [rounds]                the cost of listening to LiveState's metrics and spans
// The real-render commands take --model after|before: after (the default) is this tree's component model; before is
// LiveState 0.1's cascade and runs only from the 0.1 checkout bench/scripts/before-tree.sh builds (bench/README.md).
// Anything else goes to BenchmarkDotNet (for example `--filter '*Targeted*' --job short --inProcess`).
var model = LiveStateModels.Default;
var rest = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--model" && i + 1 < args.Length)
    {
        model = args[++i];
    }
    else
    {
        rest.Add(args[i]);
    }
}

string? command = rest.Count > 0 ? rest[0] : null;
int Int(int index, int fallback) => rest.Count > index ? int.Parse(rest[index], CultureInfo.InvariantCulture) : fallback;
int[] Sizes(int index, int[] fallback) => rest.Count > index ? rest[index].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;

switch (command)
{
    case "memory":
        return RegistryMemory.Run(Int(1, 100_000));
    case "paired":
        return PairedRatios.Run(Int(1, 10), Sizes(2, [100, 10_000, 100_000]));
    case "render":
        return await RealRenderRatios.RunAsync(Int(1, 10), Sizes(2, [1_000, 10_000]), model);
    case "render-profile":
        return await RenderProfile.RunAsync(rest[1], rest[2], rest.Count > 3 ? double.Parse(rest[3], CultureInfo.InvariantCulture) : 10, Int(4, 1_000), model);
    case "circuit-memory":
        return await CircuitMemory.RunAsync(Int(1, 1_000), model);
    case "slots":
        return SlotSizeSweep.Run(rest.Count > 1 ? double.Parse(rest[1], CultureInfo.InvariantCulture) : 0.5, Int(2, 3));
    case "joins":
        return JoinCost.Run(Int(1, 10_000), Int(2, 5));
    case "concurrency":
        return ConcurrentBroadcasters.Run(Int(1, 10));
    case "idle":
        return await IdleCpu.RunAsync(rest.Count > 1 ? double.Parse(rest[1], CultureInfo.InvariantCulture) : 5, Int(2, 2), model);
    case "telemetry":
        return TelemetryOverhead.Run(Int(1, 10));
}

BenchmarkSwitcher.FromAssembly(typeof(TargetedBroadcastBenchmarks).Assembly).Run(args);
return 0;
