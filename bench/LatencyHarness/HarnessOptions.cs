using System.Globalization;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>The harness's command line. Every option has a default that reproduces docs/performance.md.</summary>
internal sealed class HarnessOptions
{
    public int Samples { get; private set; } = 2_000;

    public int Warmup { get; private set; } = 20;

    public int Block { get; private set; } = 10;

    public int Tabs { get; private set; } = 50;

    public int FanOutSamples { get; private set; } = 60;

    public int FanOutBlock { get; private set; } = 5;

    public bool TwoTabs { get; private set; } = true;

    public bool FanOut { get; private set; } = true;

    public bool Redis { get; private set; }

    public string Configuration { get; private set; } = "Release";

    public string Chromium { get; private set; } = Environment.GetEnvironmentVariable("LATENCY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public string? OutputDirectory { get; private set; }

    public const string Usage = """
        LiveState.Blazor browser latency harness. Starts bench/LatencyApp (and, with --redis, a private redis-server
        and two more app servers), drives Debian's Chromium through Playwright, and prints p50/p95/p99.

          --samples N        samples per page in the two-tab test (default 2000)
          --warmup N         discarded samples per page before measuring (default 20)
          --block N          samples per page before switching page; pages alternate (default 10)
          --tabs N           tabs in the fan-out test (default 50)
          --fanout-samples N updates measured per page in the fan-out test (default 60)
          --fanout-block N   updates per page before switching page in the fan-out test (default 5)
          --only two-tabs|fan-out
          --redis            also measure LiveState across two servers through a private redis-server
          --configuration C  build configuration of the app (default Release)
          --chromium PATH    Chromium executable (default /usr/bin/chromium, or $LATENCY_CHROMIUM)
          --out DIR          also write every sample as CSV into DIR
        """;

    public static HarnessOptions Parse(string[] args)
    {
        var options = new HarnessOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture) is var n && n > 0 ? n : throw new ArgumentException($"{args[i]} must be positive.");
            switch (args[i])
            {
                case "--samples": options.Samples = NextInt(); break;
                case "--warmup": options.Warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--block": options.Block = NextInt(); break;
                case "--tabs": options.Tabs = NextInt(); break;
                case "--fanout-samples": options.FanOutSamples = NextInt(); break;
                case "--fanout-block": options.FanOutBlock = NextInt(); break;
                case "--redis": options.Redis = true; break;
                case "--configuration": options.Configuration = Next(); break;
                case "--chromium": options.Chromium = Next(); break;
                case "--out": options.OutputDirectory = Next(); break;
                case "--only":
                    var only = Next();
                    options.TwoTabs = only == "two-tabs";
                    options.FanOut = only == "fan-out";
                    if (!options.TwoTabs && !options.FanOut)
                    {
                        throw new ArgumentException("--only takes two-tabs or fan-out.");
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        return options;
    }
}
