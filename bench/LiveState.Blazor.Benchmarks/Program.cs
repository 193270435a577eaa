using System.Globalization;
using BenchmarkDotNet.Running;
using LiveState.Blazor.Benchmarks;

// `memory [circuits]` measures the registry's memory per circuit; `paired [rounds]` measures the ratio targets in
// alternating pairs (wall and CPU time); `telemetry [rounds]` the cost of listening to LiveState's metrics and spans; anything else goes to BenchmarkDotNet (for example
// `--filter '*Targeted*' --job short --inProcess`). docs/performance.md gives the command behind each figure.
if (args.Length > 0 && args[0] == "memory")
{
    var circuits = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    return RegistryMemory.Run(circuits);
}

if (args.Length > 0 && args[0] == "paired")
{
    var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
    var sizes = args.Length > 2 ? args[2].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [100, 10_000, 100_000];
    return PairedRatios.Run(rounds, sizes);
}

if (args.Length > 0 && args[0] == "telemetry")
{
    var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
    return TelemetryOverhead.Run(rounds);
}

BenchmarkSwitcher.FromAssembly(typeof(TargetedBroadcastBenchmarks).Assembly).Run(args);
return 0;
