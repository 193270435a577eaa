using System.Globalization;
using System.Reflection;
using LiveState.Blazor.LatencyHarness;
using LiveState.Blazor.Tests.Shared;
using Microsoft.Playwright;

// The browser latency harness behind docs/performance.md. Usage: --help.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(HarnessOptions.Usage);
    return 0;
}

var options = HarnessOptions.Parse(args);
var configuration = typeof(HarnessOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
var started = DateTime.UtcNow;

Console.WriteLine($"LiveState.Blazor browser latency, {DateTime.Now:yyyy-MM-dd HH:mm}; {Environment.ProcessorCount} cores; .NET {Environment.Version}; load average {LoadAverage()}");
await using var single = await AppServer.StartAppAsync("server", configuration, redis: null);
RedisServer? redis = null;
AppServer? first = null;
AppServer? second = null;
if (options.Redis)
{
    redis = await RedisServer.StartInMemoryAsync();
    first = await AppServer.StartAppAsync("redis server 1", configuration, redis.EndPoint);
    second = await AppServer.StartAppAsync("redis server 2", configuration, redis.EndPoint);
}

try
{
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = options.Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    Console.WriteLine($"Chromium {browser.Version} (headless) from {options.Chromium}");
    Console.WriteLine();

    var csv = new List<string> { "test,scenario,sample,milliseconds" };
    if (options.TwoTabs)
    {
        var room = "r" + Guid.NewGuid().ToString("N")[..8];
        var scenarios = new List<TwoTabScenario>
        {
            new("LiveState (one server)", new Uri(single.BaseAddress, "live"), new Uri(single.BaseAddress, "live")),
            new("Baseline: singleton event (one server)", new Uri(single.BaseAddress, $"baseline?room={room}"), new Uri(single.BaseAddress, $"baseline?room={room}")),
        };
        if (first is not null && second is not null)
        {
            scenarios.Add(new("LiveState, two servers via Redis (A on 1, B on 2)", new Uri(first.BaseAddress, "live"), new Uri(second.BaseAddress, "live")));
            scenarios.Add(new("LiveState, one server on the Redis store", new Uri(first.BaseAddress, "live"), new Uri(first.BaseAddress, "live")));
        }

        foreach (var scenario in scenarios)
        {
            await scenario.OpenAsync(browser);
            for (var i = 0; i < options.Warmup; i++)
            {
                await BoundedVoid(scenario.SampleAsync(), scenario.Name);
            }

            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {scenario.Name}: open, warmed up");
        }

        // Pages alternate in blocks (the order reversed every other round), so a burst of noise on this shared machine
        // lands on all of them alike; the samples are pooled, and the block bootstrap resamples whole rounds.
        var twoTabsStarted = DateTime.UtcNow;
        for (var round = 0; scenarios.Any(s => s.Samples.Count < options.Samples); round++)
        {
            foreach (var scenario in round % 2 == 0 ? scenarios : Enumerable.Reverse(scenarios))
            {
                var block = new List<double>();
                scenario.Blocks.Add(block);
                for (var i = 0; i < options.Block && scenario.Samples.Count < options.Samples; i++)
                {
                    var sample = await Bounded(scenario.SampleAsync(), scenario.Name);
                    scenario.Samples.Add(sample);
                    block.Add(sample);
                }
            }

            if (round % 20 == 19)
            {
                Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {string.Join(", ", scenarios.Select(s => $"{s.Samples.Count}"))} samples");
            }
        }

        Console.WriteLine($"## Click in tab A -> text visible in tab B ({options.Samples} samples each, {options.Warmup} warm-up, pages alternating every {options.Block}; {(DateTime.UtcNow - twoTabsStarted).TotalSeconds:F0} s)");
        Console.WriteLine();
        Console.WriteLine(Stats.Header);
        foreach (var scenario in scenarios)
        {
            Console.WriteLine(Stats.Of(scenario.Samples).Row(scenario.Name));
            csv.AddRange(scenario.Samples.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"two-tabs,\"{scenario.Name}\",{i},{s:F3}")));
        }

        Console.WriteLine();
        Console.WriteLine(Stats.RatioText("LiveState p95 / baseline p95", Stats.RatioWithInterval(scenarios[0].Blocks, scenarios[1].Blocks, 0.95), "<= 1.25, upper end <= 1.35"));
        Console.WriteLine(Stats.RatioText("LiveState p50 / baseline p50", Stats.RatioWithInterval(scenarios[0].Blocks, scenarios[1].Blocks, 0.50), "none"));
        if (scenarios.Count > 2)
        {
            Console.WriteLine(Stats.RatioText("Two servers p95 / one server p95", Stats.RatioWithInterval(scenarios[2].Blocks, scenarios[0].Blocks, 0.95), "<= 2"));
        }

        Console.WriteLine();
        foreach (var scenario in scenarios)
        {
            Console.WriteLine($"{scenario.Name}: {scenario.Clock}");
            await scenario.CloseAsync();
        }

        Console.WriteLine();
    }

    if (options.FanOut)
    {
        var room = "f" + Guid.NewGuid().ToString("N")[..8];
        var scenarios = new[]
        {
            new FanOutScenario("LiveState (one server)", new Uri(single.BaseAddress, "live"), options.Tabs),
            new FanOutScenario("Baseline: singleton event (one server)", new Uri(single.BaseAddress, $"baseline?room={room}"), options.Tabs),
        };

        // Both browsers of 51 tabs stay open and the pages alternate in blocks, as in the two-tab test. The idle one's
        // tabs only hold their connections open (nothing on them changes while the other is measured).
        foreach (var scenario in scenarios)
        {
            await scenario.OpenAsync(browser);
            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {scenario.Name}: {options.Tabs + 1} tabs open");
            for (var i = 0; i < 3; i++)
            {
                await BoundedVoid(scenario.SampleAsync(record: false), scenario.Name);
            }
        }

        var fanOutStarted = DateTime.UtcNow;
        for (var round = 0; scenarios.Any(s => s.All.Count < options.FanOutSamples); round++)
        {
            foreach (var scenario in round % 2 == 0 ? scenarios : Enumerable.Reverse(scenarios))
            {
                scenario.AllBlocks.Add([]);
                for (var i = 0; i < options.FanOutBlock && scenario.All.Count < options.FanOutSamples; i++)
                {
                    await BoundedVoid(scenario.SampleAsync(record: true), scenario.Name);
                }
            }

            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {string.Join(", ", scenarios.Select(s => $"{s.All.Count}"))} updates");
        }

        Console.WriteLine($"## One update reaching {options.Tabs} open tabs ({options.FanOutSamples} updates each, 3 warm-up, pages alternating every {options.FanOutBlock}; one clicking tab besides the {options.Tabs}; {(DateTime.UtcNow - fanOutStarted).TotalSeconds:F0} s)");
        Console.WriteLine();
        Console.WriteLine(Stats.Header);
        foreach (var scenario in scenarios)
        {
            await scenario.CloseAsync();
            Console.WriteLine(Stats.Of(scenario.All).Row($"{scenario.Name}: all {options.Tabs} tabs"));
            Console.WriteLine(Stats.Of(scenario.Median).Row($"{scenario.Name}: half of the tabs"));
            csv.AddRange(scenario.All.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"fan-out-all,\"{scenario.Name}\",{i},{s:F3}")));
            csv.AddRange(scenario.Median.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"fan-out-median,\"{scenario.Name}\",{i},{s:F3}")));
        }

        Console.WriteLine();
        Console.WriteLine(Stats.RatioText($"LiveState p95 / baseline p95, all {options.Tabs} tabs", Stats.RatioWithInterval(scenarios[0].AllBlocks, scenarios[1].AllBlocks, 0.95), "none; with few updates the p95 is one of the last few samples, so the interval is wide"));
        Console.WriteLine(Stats.RatioText($"LiveState p50 / baseline p50, all {options.Tabs} tabs", Stats.RatioWithInterval(scenarios[0].AllBlocks, scenarios[1].AllBlocks, 0.50), "none"));
        Console.WriteLine();
    }

    if (options.OutputDirectory is { } directory)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"latency-{DateTime.Now:yyyyMMdd-HHmmss}.csv");
        await File.WriteAllLinesAsync(file, csv);
        Console.WriteLine($"Samples: {file}");
    }

    Console.WriteLine($"Took {(DateTime.UtcNow - started).TotalSeconds:F0} s; load average now {LoadAverage()}");
    return 0;
}
finally
{
    if (second is not null)
    {
        await second.DisposeAsync();
    }

    if (first is not null)
    {
        await first.DisposeAsync();
    }

    if (redis is not null)
    {
        await redis.DisposeAsync();
    }
}

// A sample that hangs fails the run loudly instead of stalling it.
static async Task<T> Bounded<T>(Task<T> sample, string scenario)
{
    try
    {
        return await sample.WaitAsync(TimeSpan.FromSeconds(60));
    }
    catch (TimeoutException)
    {
        throw new TimeoutException($"{scenario}: a sample took more than 60 s.");
    }
}

static async Task BoundedVoid(Task sample, string scenario)
{
    try
    {
        await sample.WaitAsync(TimeSpan.FromSeconds(60));
    }
    catch (TimeoutException)
    {
        throw new TimeoutException($"{scenario}: a sample took more than 60 s.");
    }
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
