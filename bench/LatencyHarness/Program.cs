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

        // Pages alternate in blocks, so a burst of noise on this shared machine lands on all of them alike.
        while (scenarios.Any(s => s.Samples.Count < options.Samples))
        {
            foreach (var scenario in scenarios)
            {
                for (var i = 0; i < options.Block && scenario.Samples.Count < options.Samples; i++)
                {
                    scenario.Samples.Add(await Bounded(scenario.SampleAsync(), scenario.Name));
                }
            }

            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {string.Join(", ", scenarios.Select(s => $"{s.Samples.Count}"))} samples");
        }

        Console.WriteLine($"## Click in tab A -> text visible in tab B ({options.Samples} samples each, {options.Warmup} warm-up, pages alternating every {options.Block})");
        Console.WriteLine();
        Console.WriteLine(Stats.Header);
        foreach (var scenario in scenarios)
        {
            Console.WriteLine(Stats.Of(scenario.Samples).Row(scenario.Name));
            csv.AddRange(scenario.Samples.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"two-tabs,\"{scenario.Name}\",{i},{s:F3}")));
        }

        Console.WriteLine();
        var live = Stats.Of(scenarios[0].Samples);
        var baseline = Stats.Of(scenarios[1].Samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LiveState p95 / baseline p95 = {live.P95 / baseline.P95:F2} (target <= 1.25)"));
        if (scenarios.Count > 2)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Two servers p95 / one server p95 = {Stats.Of(scenarios[2].Samples).P95 / live.P95:F2} (target <= 2)"));
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

        Console.WriteLine($"## One update reaching {options.Tabs} open tabs ({options.FanOutSamples} updates each, 3 warm-up; one clicking tab besides the {options.Tabs})");
        Console.WriteLine();
        Console.WriteLine(Stats.Header);
        foreach (var scenario in scenarios)
        {
            // One browser of 51 tabs at a time: two at once would measure Chromium on two cores, not the server.
            await scenario.OpenAsync(browser);
            Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {scenario.Name}: {options.Tabs + 1} tabs open");
            for (var i = 0; i < 3; i++)
            {
                await BoundedVoid(scenario.SampleAsync(record: false), scenario.Name);
            }

            for (var i = 0; i < options.FanOutSamples; i++)
            {
                await BoundedVoid(scenario.SampleAsync(record: true), scenario.Name);
            }

            await scenario.CloseAsync();
            Console.WriteLine(Stats.Of(scenario.All).Row($"{scenario.Name}: all {options.Tabs} tabs"));
            Console.WriteLine(Stats.Of(scenario.Median).Row($"{scenario.Name}: half of the tabs"));
            csv.AddRange(scenario.All.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"fan-out-all,\"{scenario.Name}\",{i},{s:F3}")));
            csv.AddRange(scenario.Median.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"fan-out-median,\"{scenario.Name}\",{i},{s:F3}")));
        }

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
