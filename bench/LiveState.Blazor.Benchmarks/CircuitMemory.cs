using System.Globalization;
using LiveState.Blazor.Benchmarks.Infrastructure;
using LiveState.Blazor.Benchmarks.Rendering;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// Managed heap per real circuit: the heap after a full collection with N circuits of the bench app open, minus the
/// heap before they were opened, divided by N; for the app with LiveState, the same app with no shared state at all,
/// the app sharing its state by hand (baseline 2), and, to split LiveState's share, LiveState registered and every
/// circuit opened through it but no LiveState component rendered (<see cref="RegisteredOnlyApp"/>). A "circuit" here is what <see cref="BenchCircuit"/> builds: a
/// DI scope of the app's services (as Blazor's CircuitFactory makes one per circuit), its authentication state, the
/// circuit handlers run (LiveState's registers the circuit), a renderer with its own dispatcher and the page's whole
/// component tree (Routes, Router, layout, nav menu with 4 NavLinks, page, 20 plain components, 3 readers). Every
/// circuit is its own anonymous browser, so with LiveState every circuit also brings its group's store entry (one
/// small slot written once) and its registry entries; by hand, its group's value and callback list. Not counted: what
/// Blazor adds around that on a real server (the SignalR connection, RemoteRenderer, JS runtime), the same on all sides.
/// </summary>
internal static class CircuitMemory
{
    private const int Rounds = 3;

    // What a circuit leaves for a few hundred milliseconds after it opens or closes (LiveState's presence windows, 200 ms
    // by default, with their timers; the previous side's app being torn down) is not per-circuit memory: each snapshot
    // waits until the heap stops moving. Without it the decomposition swung by about 2 KB per circuit with the order
    // the sides ran in.
    private static readonly TimeSpan SettleStep = TimeSpan.FromMilliseconds(250);
    private const long SettleTolerance = 16 * 1024;

    public static async Task<int> RunAsync(int circuits, string modelName)
    {
        Paired.PrintEnvironment($"Heap per real circuit, {circuits:N0} circuits (each its own anonymous browser and group), model '{modelName}'; {Rounds} rounds, sides alternating; the settled heap (GC.GetTotalMemory(forceFullCollection: true) once two readings {SettleStep.TotalMilliseconds:F0} ms apart agree within {SettleTolerance / 1024} KB) before and after opening them");
        var sides = new (string Name, Func<IBenchApp> App, Func<IBenchApp, string, Task> Seed)[]
        {
            ("no shared state", () => new HandWrittenApp(share: false), (_, _) => Task.CompletedTask),
            ("baseline 2 (by hand)", () => new HandWrittenApp(share: true), (app, group) => { ((HandWrittenApp)app).Hub.Increment(group); return Task.CompletedTask; }),
            ("LiveState, circuit registered but no LiveState component", () => new RegisteredOnlyApp(), (app, group) => ((RegisteredOnlyApp)app).UpdateAsync(group)),
            ("LiveState", () => LiveStateModels.Create(modelName), (app, group) => ((ILiveStateModel)app).UpdateAsync(group)),
        };

        var retained = sides.Select(_ => new List<double>()).ToArray();
        var allocated = sides.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            for (var k = 0; k < sides.Length; k++)
            {
                var s = round % 2 == 0 ? k : sides.Length - 1 - k;
                var (name, create, seed) = sides[s];
                var (kept, opened) = await MeasureAsync(create, seed, circuits);
                retained[s].Add(kept);
                allocated[s].Add(opened);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] round {round + 1}, {name}: {retained[s][^1]:N0} B retained per circuit"));
            }
        }

        Console.WriteLine("| app | retained per circuit, median (min-max) | allocated while opening, per circuit (median) |");
        Console.WriteLine("|---|---:|---:|");
        for (var s = 0; s < sides.Length; s++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {sides[s].Name} | {Stats.Median(retained[s]):N0} B ({retained[s].Min():N0}-{retained[s].Max():N0}) | {Stats.Median(allocated[s]):N0} B |"));
        }

        Console.WriteLine();
        var plain = Stats.Median(retained[0]);
        var byHand = Stats.Median(retained[1]);
        var registered = Stats.Median(retained[2]);
        var live = Stats.Median(retained[3]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LiveState adds {live - plain:N0} B per circuit to the app with no shared state (target <= 2,048 B), {live - byHand:N0} B to the app that shares by hand."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Of that, {registered - plain:N0} B come with the circuit's registration (scoped services, registry entries, the group's store entry) and {live - registered:N0} B with LiveState's components (the model's wrapper components and readers instead of the hand-written readers). Load average now {Paired.LoadAverage()}."));
        return 0;
    }

    /// <summary>
    /// One side once: its app, a warm-up world, then the settled heap before and after opening <paramref name="circuits"/>
    /// circuits. Everything it built is unreachable once it returns (the previous side's world must not count in the
    /// next side's "before").
    /// </summary>
    private static async Task<(double Retained, double Allocated)> MeasureAsync(Func<IBenchApp> create, Func<IBenchApp, string, Task> seed, int circuits)
    {
        await using var app = create();

        // A first world warms everything up that is paid once per process or app (JIT, route table, caches).
        await (await RenderWorld.CreateAsync(app, 50, 1, group => seed(app, group))).DisposeAsync();

        var before = await SettledHeapAsync("before");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var world = await RenderWorld.CreateAsync(app, circuits, 1, group => seed(app, group));
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        var after = await SettledHeapAsync("after");
        GC.KeepAlive(world);
        await world.DisposeAsync();
        return ((after - before) / (double)circuits, (allocatedAfter - allocatedBefore) / (double)circuits);
    }

    /// <summary>The heap after a full collection, once two readings <see cref="SettleStep"/> apart agree within <see cref="SettleTolerance"/> (at most 10 readings).</summary>
    private static async Task<long> SettledHeapAsync(string what)
    {
        var first = GC.GetTotalMemory(forceFullCollection: true);
        var last = first;
        for (var i = 1; i <= 10; i++)
        {
            await Task.Delay(SettleStep);
            var now = GC.GetTotalMemory(forceFullCollection: true);
            if (Math.Abs(now - last) <= SettleTolerance || i == 10)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}]   heap {what}: {first:N0} B at once, {now:N0} B settled after {i} more readings"));
                return now;
            }

            last = now;
        }

        return last;
    }
}

/// <summary>
/// The decomposition side: LiveState registered and every circuit opened through LiveState's circuit handler (so its
/// scoped services, registry entries and the group's store entry exist), but the page rendered without any LiveState
/// component (the no-shared-state app's Routes, page and readers).
/// </summary>
internal sealed class RegisteredOnlyApp : IBenchApp
{
    private readonly ServiceProvider _services;
    private readonly ISessionGroupStateService _state;

    public RegisteredOnlyApp()
    {
        var services = new ServiceCollection();
        BenchServices.AddBlazorCircuitServices(services);
        services.AddLiveState();
        services.AddSingleton(new HandWrittenHub(shares: false));
        services.AddScoped<HandWrittenSession>();
        _services = services.BuildServiceProvider();
        _state = _services.GetRequiredService<ISessionGroupStateService>();
    }

    public string Name => "LiveState registered, no LiveState component";

    public IServiceProvider Services => _services;

    public Type RootComponent => typeof(HandWrittenRoutes);

    public string Route => HandWrittenPage.Route;

    public Task UpdateAsync(string group) => _state.ReplaceAsync<RenderSlot>(group, static s => s with { Value = s.Value + 1 });

    public async Task OpenCircuitAsync(BenchCircuit circuit)
    {
        circuit.Services.GetRequiredService<HandWrittenSession>().GroupId = circuit.GroupId;
        await Handler(circuit).OpenAsync(circuit.Id, CancellationToken.None);
        circuit.EnsureRegisteredInGroup(_services.GetRequiredService<ILiveCircuitRegistry>());
    }

    public Task CloseCircuitAsync(BenchCircuit circuit) => Handler(circuit).CloseAsync(circuit.Id);

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static Circuits.LiveCircuitHandler Handler(BenchCircuit circuit) =>
        circuit.Services.GetServices<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>().OfType<Circuits.LiveCircuitHandler>().Single();
}
