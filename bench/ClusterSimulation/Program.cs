using System.Diagnostics;
using System.Globalization;
using LiveState.Blazor;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Redis;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A cluster simulation: S in-process servers of one app on one redis-server, each with N simulated circuits registered
// through the real registry (5 circuits per group, one user per group). Prints one JSON line per measurement.
//   scale    --servers S --circuits N : messages each server received for one group broadcast whose circuits are all on
//                                       one server, and the managed heap per server once presence settled
//   --cluster: on a real 3-master Redis Cluster instead of one redis-server
//   mutate   --servers S --circuits N --rates r1,r2,... --seconds D : MutateAsync of groups shown on the next server,
//                                       at each offered rate (0: as fast as 64 writers go): throughput and delivery lag
var args2 = Args.Parse(args);
var design =
#if OLD_DESIGN
    "old";
#else
    "new";
#endif

// One redis-server, or with --cluster a real 3-master Redis Cluster (tests/Shared/RedisCluster.cs).
var onCluster = args.Contains("--cluster");
await using var single = onCluster ? null : await RedisServer.StartInMemoryAsync();
await using var cluster = onCluster ? await RedisCluster.StartAsync() : null;
var endPoint = cluster?.EndPoint ?? single!.EndPoint;
var servers = new List<Server>();
var heapBefore = Heap();
for (var s = 0; s < args2.Servers; s++)
{
    servers.Add(await Server.StartAsync(s, endPoint));
}

for (var s = 0; s < args2.Servers; s++)
{
    servers[s].Open(args2.Circuits);
}

// Presence settled: every server counts every circuit of the cluster (version 1: holds every other server's circuits).
var total = args2.Servers * args2.Circuits;
await Until(() => servers.All(s => s.Presence.Count == total && s.Held >= s.ExpectedHeld(servers.Count, args2.Circuits)), TimeSpan.FromSeconds(120), "presence settled");

if (args2.Mode == "scale")
{
    var heap = Heap() - heapBefore;

    // One broadcast to a group whose 5 circuits are all on server 1, sent from server 0.
    var target = servers[1];
    var before = servers.Select(s => s.Received).ToArray();
    var rendersBefore = target.Renders;
    var sent = Stopwatch.GetTimestamp();
    var reached = await servers[0].Broadcaster.BroadcastToGroupAsync(Server.Group(1, 0));
    await Until(() => target.Renders >= rendersBefore + 5, TimeSpan.FromSeconds(30), "the target group rendered");
    var rendered = Stopwatch.GetElapsedTime(sent);

    // A fence: a broadcast to all, after which every message of the first has arrived where it was going.
    await servers[0].Broadcaster.BroadcastToAllAsync();
    await Until(() => servers.Skip(1).Select((s, i) => s.Received - before[i + 1]).All(d => d >= 1), TimeSpan.FromSeconds(30), "the fence arrived");
    await Until(() => servers.Skip(1).All(s => s.Renders >= s.Circuits + (s == target ? 5 : 0)), TimeSpan.FromSeconds(60), "the fence rendered");
    var received = servers.Select((s, i) => s.Received - before[i] - (i == 0 ? 0 : 1)).ToArray();
    Console.WriteLine(Json(
        ("design", design), ("redis", onCluster ? "cluster" : "single"), ("mode", "scale"), ("servers", args2.Servers), ("circuits_per_server", args2.Circuits),
        ("reached", reached), ("rendered_ms", rendered.TotalMilliseconds),
        ("received_by_target", received[1]),
        ("received_by_each_other", string.Join('/', received.Skip(2))),
        ("received_by_sender", received[0]),
        ("remote_circuits_held_per_server", string.Join('/', servers.Select(s => s.Held))),
        ("heap_mb_per_server", heap / 1024.0 / 1024.0 / args2.Servers)));
}
else
{
    foreach (var rate in args2.Rates)
    {
        var result = await MutateAsync(servers, rate, TimeSpan.FromSeconds(args2.Seconds), args2.Circuits / 5);
        Console.WriteLine(Json(
            ("design", design), ("redis", onCluster ? "cluster" : "single"), ("mode", "mutate"), ("servers", args2.Servers), ("circuits_per_server", args2.Circuits),
            ("offered_per_s", rate), ("updates_per_s", result.Throughput), ("renders", result.Lags),
            ("lag_p50_ms", result.P50), ("lag_p99_ms", result.P99), ("lag_max_ms", result.Max)));
    }
}

foreach (var server in servers)
{
    await server.DisposeAsync();
}

return;

static async Task<(double Throughput, int Lags, double P50, double P99, double Max)> MutateAsync(List<Server> servers, int rate, TimeSpan duration, int groupsPerServer)
{
    foreach (var server in servers)
    {
        server.StartRecording();
    }

    const int Writers = 64;
    var stop = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var started = Stopwatch.GetTimestamp();
    var done = 0;
    var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
    {
        var random = new Random(w);
        var interval = rate == 0 ? 0 : Stopwatch.Frequency * Writers / (double)rate;
        var next = (double)Stopwatch.GetTimestamp() + random.NextDouble() * interval;
        while (Stopwatch.GetTimestamp() < stop)
        {
            if (interval > 0)
            {
                var wait = (long)next - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
                }

                next += interval;
            }

            // A group shown on the next server, updated from this one: every update crosses servers.
            var from = servers[w % servers.Count];
            var to = (w % servers.Count + 1) % servers.Count;
            var group = Server.Group(to, random.Next(groupsPerServer));
            await from.States.MutateAsync<Stamp>(group, s => { s.Ticks = Stopwatch.GetTimestamp(); s.Count++; });
            Interlocked.Increment(ref done);
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var elapsed = Stopwatch.GetElapsedTime(started);

    // Let the last deliveries land before reading the lags.
    await Task.Delay(500);
    var lags = servers.SelectMany(s => s.StopRecording()).Order().ToArray();
    double At(double q) => lags.Length == 0 ? double.NaN : lags[Math.Min(lags.Length - 1, (int)(q * lags.Length))];
    return (done / elapsed.TotalSeconds, lags.Length, At(0.5), At(0.99), lags.Length == 0 ? double.NaN : lags[^1]);
}

static long Heap()
{
    for (var i = 0; i < 3; i++)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    return GC.GetTotalMemory(forceFullCollection: true);
}

static async Task Until(Func<bool> condition, TimeSpan timeout, string what)
{
    var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    while (!condition())
    {
        if (Stopwatch.GetTimestamp() > deadline)
        {
            throw new TimeoutException("Timed out waiting for: " + what);
        }

        await Task.Delay(10);
    }
}

static string Json(params (string Key, object Value)[] fields) =>
    "{" + string.Join(", ", fields.Select(f => $"\"{f.Key}\": " + f.Value switch
    {
        string s => "\"" + s + "\"",
        double d => double.IsNaN(d) ? "null" : d.ToString("0.###", CultureInfo.InvariantCulture),
        _ => Convert.ToString(f.Value, CultureInfo.InvariantCulture),
    })) + "}";

[SessionGroupSlot("sim.stamp")]
internal sealed class Stamp
{
    public long Ticks { get; set; }

    public int Count { get; set; }
}

internal sealed record Args(string Mode, int Servers, int Circuits, int[] Rates, int Seconds)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        return new Args(
            args.FirstOrDefault() ?? "scale",
            int.Parse(Value("--servers", "2"), CultureInfo.InvariantCulture),
            int.Parse(Value("--circuits", "2000"), CultureInfo.InvariantCulture),
            Value("--rates", "1000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Value("--seconds", "5"), CultureInfo.InvariantCulture));
    }
}

/// <summary>One simulated server: a generic host with LiveState on Redis, and circuits that count their renders.</summary>
internal sealed class Server : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly int _index;
    private readonly List<Target> _targets = [];
    private List<double>? _lags;
    private readonly Lock _lagsLock = new();

    private Server(int index, IHost host)
    {
        _index = index;
        _host = host;
    }

    public int Circuits => _targets.Count;

    public ILiveCircuitRegistry Presence => _host.Services.GetRequiredService<ILiveCircuitRegistry>();

    public ILiveBroadcaster Broadcaster => _host.Services.GetRequiredService<ILiveBroadcaster>();

    public ISessionGroupStateService States => _host.Services.GetRequiredService<ISessionGroupStateService>();

    public int Renders => _targets.Sum(t => t.Renders);

#if OLD_DESIGN
    public long Received => _host.Services.GetRequiredService<BackplaneSubscriber>().Received;

    public int Held => _host.Services.GetRequiredService<RemotePresence>().Count;

    public int ExpectedHeld(int servers, int circuits) => (servers - 1) * circuits;
#else
    public long Received => _host.Services.GetRequiredService<RedisLiveStateBackend>().MessagesFromOthers;

    public int Held => _host.Services.GetRequiredService<RedisLiveStateBackend>().RemoteCircuitsHeld;

    // Every group and user here has its circuits on this server only: nothing of the others is needed.
    public int ExpectedHeld(int servers, int circuits) => 0;
#endif

    public static string Group(int server, int group) => $"s{server}-g{group}";

    public static async Task<Server> StartAsync(int index, string endPoint)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "clustersim", EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddLiveState().AddRedis(options =>
        {
            options.Configuration = endPoint;
            options.ApplicationName = "clustersim";

#if OLD_DESIGN
            // No heartbeat inside a measurement window: version 1 sent it on the channel every server reads.
            options.PresenceHeartbeatInterval = TimeSpan.FromSeconds(30);
            options.PresenceTimeout = TimeSpan.FromSeconds(90);
#else
            // Version 2's heartbeat renews a lease in Redis (no message); the cluster's count follows it.
            options.PresenceHeartbeatInterval = TimeSpan.FromSeconds(1);
            options.PresenceTimeout = TimeSpan.FromSeconds(90);
#endif
        });
        var host = builder.Build();
        await host.StartAsync();
        return new Server(index, host);
    }

    public void Open(int circuits)
    {
        var registry = _host.Services.GetRequiredService<CircuitRegistry>();
        for (var c = 0; c < circuits; c++)
        {
            var group = Group(_index, c / 5);
            var entry = registry.Register($"s{_index}-c{c}", new LiveIdentity(group, $"s{_index}-u{c / 5}"));
            var target = new Target(this, group);
            entry.AddTarget(target);
            _targets.Add(target);
        }
    }

    public void StartRecording()
    {
        lock (_lagsLock)
        {
            _lags = [];
        }
    }

    public List<double> StopRecording()
    {
        lock (_lagsLock)
        {
            var lags = _lags ?? [];
            _lags = null;
            return lags;
        }
    }

    private void Rendered(string group)
    {
        if (_lags is null)
        {
            return;
        }

        var stamp = States.Get<Stamp>(group);
        if (stamp.Ticks == 0)
        {
            return;
        }

        var lag = Stopwatch.GetElapsedTime(stamp.Ticks).TotalMilliseconds;
        lock (_lagsLock)
        {
            _lags?.Add(lag);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class Target(Server server, string group) : ILiveRenderTarget
    {
        private int _renders;

        public int Renders => Volatile.Read(ref _renders);

        public bool Wants(in LiveChange change, LiveIdentity identity) => true;

        public Task? InvokeAsync(Func<Task> work) => null;

        public Task Render()
        {
            Interlocked.Increment(ref _renders);
            server.Rendered(group);
            return Task.CompletedTask;
        }
    }
}
