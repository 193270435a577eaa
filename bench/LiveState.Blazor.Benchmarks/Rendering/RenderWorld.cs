#pragma warning disable BL0006 // the renderer's counters
using System.Security.Claims;
using LiveState.Blazor.Benchmarks.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Benchmarks.Rendering;

/// <summary>An app whose circuits a <see cref="RenderWorld"/> opens: its root services, its interactive root component and its page.</summary>
internal interface IBenchApp : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The app's root service provider; each circuit is a scope of it.</summary>
    IServiceProvider Services { get; }

    /// <summary>The interactive root component (the app's Routes).</summary>
    Type RootComponent { get; }

    /// <summary>The page's route, where every circuit opens.</summary>
    string Route { get; }

    /// <summary>What happens when the circuit opens, before its first render (LiveState: its circuit handler runs).</summary>
    Task OpenCircuitAsync(BenchCircuit circuit);

    /// <summary>What happens when the circuit closes, after its renderer is disposed.</summary>
    Task CloseCircuitAsync(BenchCircuit circuit);
}

/// <summary>
/// One simulated circuit, as Blazor Server builds one: a DI scope of the app's services (Blazor's
/// <c>CircuitFactory</c> creates an <c>AsyncServiceScope</c> per circuit), the authentication state set from the
/// connection's principal, the circuit handlers run, and a renderer with its own dispatcher that renders the app's
/// root component (Routes) at the page's address. Not simulated: the SignalR connection, the JS runtime and the
/// <c>RemoteRenderer</c>'s batch serialization, which cost the same with or without LiveState.
/// </summary>
internal sealed class BenchCircuit
{
    private readonly AsyncServiceScope _scope;

    private BenchCircuit(AsyncServiceScope scope, string id, string groupId, string browserId)
    {
        _scope = scope;
        Id = id;
        GroupId = groupId;
        BrowserId = browserId;
        Counts = Services.GetRequiredService<RenderCounts>();
    }

    public string Id { get; }

    public string GroupId { get; }

    public string BrowserId { get; }

    public IServiceProvider Services => _scope.ServiceProvider;

    public BenchRenderer Renderer { get; private set; } = default!;

    public RenderCounts Counts { get; }

    /// <summary>Opens a circuit of an anonymous browser (LiveState's default group: every tab of one browser).</summary>
    public static async Task<BenchCircuit> OpenAsync(IBenchApp app, string circuitId, string browserId)
    {
        var scope = app.Services.CreateAsyncScope();
        var circuit = new BenchCircuit(scope, circuitId, LiveIdentity.BrowserGroup(browserId), browserId);

        // As LiveState's middleware leaves the principal: an unauthenticated identity carrying the browser id (labelled
        // as the middleware labels it: since issue 14 the resolver reads the browser id from that identity only).
        var browser = new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browserId)], authenticationType: null);
#if !LIVESTATE_0_1
        browser.Label = LiveStateClaimTypes.BrowserIdentityLabel;
#endif
        var user = new ClaimsPrincipal(browser);
        BenchServices.SetUser(circuit.Services, user);
        circuit.Services.GetRequiredService<BenchNavigation>().Open(app.Route);
        await app.OpenCircuitAsync(circuit);
        circuit.Renderer = new BenchRenderer(circuit.Services, circuit.Services.GetRequiredService<ILoggerFactory>());
        await circuit.Renderer.MountAsync(app.RootComponent);
        circuit.Renderer.ThrowIfFailed();
        return circuit;
    }

    /// <summary>
    /// Throws unless LiveState registered this circuit in its browser's group. A principal the identity resolver cannot
    /// read gives every tab a private group: targeted sends would then reach nothing, and be timed as if they had.
    /// </summary>
    public void EnsureRegisteredInGroup(ILiveCircuitRegistry registry)
    {
        var info = registry.Find(Id) ?? throw new InvalidOperationException($"Circuit {Id} was opened but LiveState did not register it.");
        if (!string.Equals(info.GroupId, GroupId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Circuit {Id} was registered in group {info.GroupId}, not in its browser's group {GroupId}: the resolver did not read the bench's principal.");
        }
    }

    public async Task CloseAsync(IBenchApp app)
    {
        await Renderer.Dispatcher.InvokeAsync(Renderer.Dispose);
        await app.CloseCircuitAsync(this);
        await _scope.DisposeAsync();
    }
}

/// <summary>
/// N circuits of one app, in groups of <c>tabsPerGroup</c> tabs (each group one anonymous browser), and the render
/// counts that the benchmarks check after every timed window.
/// </summary>
internal sealed class RenderWorld : IAsyncDisposable
{
    private RenderWorld(IBenchApp app, BenchCircuit[] circuits, string[] groups, int tabsPerGroup)
    {
        App = app;
        Circuits = circuits;
        Groups = groups;
        TabsPerGroup = tabsPerGroup;
    }

    public IBenchApp App { get; }

    public BenchCircuit[] Circuits { get; }

    /// <summary>Every group id, each with <see cref="TabsPerGroup"/> circuits.</summary>
    public string[] Groups { get; }

    public int TabsPerGroup { get; }

    public static async Task<RenderWorld> CreateAsync(IBenchApp app, int circuits, int tabsPerGroup, Func<string, Task>? groupCreated = null)
    {
        var random = new Random(20_251_129);
        var list = new BenchCircuit[circuits];
        var groups = new List<string>();
        string browserId = "";
        for (var i = 0; i < circuits; i++)
        {
            if (i % tabsPerGroup == 0)
            {
                browserId = World.CircuitId(random);
                groups.Add(LiveIdentity.BrowserGroup(browserId));
                if (groupCreated is not null)
                {
                    await groupCreated(groups[^1]);
                }
            }

            list[i] = await BenchCircuit.OpenAsync(app, World.CircuitId(random), browserId);
        }

        return new RenderWorld(app, list, [.. groups], tabsPerGroup);
    }

    /// <summary>Every circuit's components rendered so far (framework components included), from the render batches.</summary>
    public long ComponentsRendered()
    {
        long sum = 0;
        foreach (var circuit in Circuits)
        {
            circuit.Renderer.ThrowIfFailed();
            sum += circuit.Renderer.ComponentsRendered;
        }

        return sum;
    }

    /// <summary>The bench components' renders so far, by kind, over every circuit.</summary>
    public RenderTotals Totals()
    {
        var totals = new RenderTotals(ComponentsRendered(), 0, 0, 0, 0);
        foreach (var circuit in Circuits)
        {
            var c = circuit.Counts;
            totals = totals with { Readers = totals.Readers + c.Readers, Plain = totals.Plain + c.Plain, Page = totals.Page + c.Page, Layout = totals.Layout + c.Layout };
        }

        return totals;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var circuit in Circuits)
        {
            await circuit.CloseAsync(App);
        }
    }
}

/// <summary>Renders counted over a world: all components (batches), and the bench app's readers, plain components, page and layout.</summary>
internal readonly record struct RenderTotals(long Components, long Readers, long Plain, long Page, long Layout)
{
    public static RenderTotals operator -(RenderTotals a, RenderTotals b) =>
        new(a.Components - b.Components, a.Readers - b.Readers, a.Plain - b.Plain, a.Page - b.Page, a.Layout - b.Layout);

    public override string ToString() => $"{Components} components ({Readers} readers, {Plain} plain, {Page} page, {Layout} layout, {Components - Readers - Plain - Page - Layout} others)";
}

/// <summary>What one operation must render in each circuit it reaches: the reading components, and every component in all.</summary>
/// <param name="Readers">Reader renders per reached circuit.</param>
/// <param name="Components">Component renders per reached circuit, framework components included.</param>
/// <param name="What">Which components those are, for the report.</param>
internal sealed record ExpectedRenders(int Readers, int Components, string What);
