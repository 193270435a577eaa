using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Benchmarks.Rendering;

/// <summary>
/// The bench app without LiveState, written by hand. Its readers subscribe to both hand-written patterns at once, so
/// one set of circuits serves both baselines (each pattern triggers only its own re-renders):
/// baseline 1, one singleton <c>event Action Changed</c> every reader filters by its group; baseline 2, a dictionary
/// of per-group reader lists under a lock. With <c>share: false</c> the readers subscribe to nothing (the app with
/// no shared state at all, for the memory comparison).
/// </summary>
internal sealed class HandWrittenApp : IBenchApp
{
    private readonly ServiceProvider _services;

    public HandWrittenApp(bool share = true)
    {
        var services = new ServiceCollection();
        BenchServices.AddBlazorCircuitServices(services);
        services.AddSingleton(new HandWrittenHub(share));
        services.AddScoped<HandWrittenSession>();
        _services = services.BuildServiceProvider();
        Hub = _services.GetRequiredService<HandWrittenHub>();
    }

    public string Name => Hub.Shares ? "hand-written" : "no shared state";

    public IServiceProvider Services => _services;

    public HandWrittenHub Hub { get; }

    public Type RootComponent => typeof(HandWrittenRoutes);

    public string Route => HandWrittenPage.Route;

    public Task OpenCircuitAsync(BenchCircuit circuit)
    {
        // What a hand-written app knows of the circuit: its group, taken from the principal at circuit start.
        circuit.Services.GetRequiredService<HandWrittenSession>().GroupId = circuit.GroupId;
        return Task.CompletedTask;
    }

    public Task CloseCircuitAsync(BenchCircuit circuit) => Task.CompletedTask;

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>The hand-written app's Routes: the Router, nothing around it.</summary>
internal sealed class HandWrittenRoutes : ComponentBase
{
    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder) => BenchRouter.Build(builder);
}

/// <summary>The hand-written app's page.</summary>
[Route(Route)]
public sealed class HandWrittenPage : BenchPage<HandWrittenReader>
{
    public const string Route = "/hand";
}

/// <summary>The circuit's group, as a hand-written app keeps it (set when the circuit opens).</summary>
public sealed class HandWrittenSession
{
    public string GroupId { get; set; } = "";
}

/// <summary>A reader of the hand-written app: subscribes to both patterns, filters baseline 1's event by its group.</summary>
public sealed class HandWrittenReader : ComponentBase, IDisposable
{
    private string _group = "";

    [Inject]
    private HandWrittenHub Hub { get; set; } = default!;

    [Inject]
    private HandWrittenSession Session { get; set; } = default!;

    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    [Parameter]
    public int Index { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _group = Session.GroupId;
        if (Hub.Shares)
        {
            Hub.Changed += OnChanged;
            Hub.Subscribe(_group, this);
        }
    }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.Readers++;
        BenchPage<HandWrittenReader>.RenderReader(builder, Index, Hub.Get(_group));
    }

    // Baseline 1: every reader of every circuit runs this on every change.
    private void OnChanged()
    {
        if (Hub.ChangedAll || string.Equals(Hub.ChangedGroup, _group, StringComparison.Ordinal))
        {
            _ = InvokeAsync(StateHasChanged);
        }
    }

    /// <summary>Baseline 2's callback.</summary>
    public void Rerender() => _ = InvokeAsync(StateHasChanged);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Hub.Shares)
        {
            Hub.Changed -= OnChanged;
            Hub.Unsubscribe(_group, this);
        }
    }
}

/// <summary>The hand-written app's singleton: the values, baseline 1's event and baseline 2's dictionary.</summary>
public sealed class HandWrittenHub(bool shares)
{
    private readonly Dictionary<string, List<HandWrittenReader>> _byGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _values = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool Shares { get; } = shares;

    /// <summary>Baseline 1's event.</summary>
    public event Action? Changed;

    public string? ChangedGroup { get; private set; }

    public bool ChangedAll { get; private set; }

    public int Get(string group)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(group);
        }
    }

    public void Subscribe(string group, HandWrittenReader reader)
    {
        lock (_gate)
        {
            if (!_byGroup.TryGetValue(group, out var list))
            {
                _byGroup[group] = list = [];
            }

            list.Add(reader);
        }
    }

    public void Unsubscribe(string group, HandWrittenReader reader)
    {
        lock (_gate)
        {
            if (_byGroup.TryGetValue(group, out var list) && list.Remove(reader) && list.Count == 0)
            {
                _byGroup.Remove(group);
            }
        }
    }

    /// <summary>Baseline 1, to one group: every reader is called and filters.</summary>
    public void RaiseGroup(string group)
    {
        ChangedGroup = group;
        ChangedAll = false;
        Changed?.Invoke();
    }

    /// <summary>Baseline 1, to everybody.</summary>
    public void RaiseAll()
    {
        ChangedGroup = null;
        ChangedAll = true;
        Changed?.Invoke();
    }

    /// <summary>Baseline 2, to one group: its readers only. Returns how many.</summary>
    public int NotifyGroup(string group)
    {
        HandWrittenReader[] readers;
        lock (_gate)
        {
            if (!_byGroup.TryGetValue(group, out var list))
            {
                return 0;
            }

            readers = [.. list];
        }

        foreach (var reader in readers)
        {
            reader.Rerender();
        }

        return readers.Length;
    }

    /// <summary>Baseline 2, to everybody. Returns how many readers.</summary>
    public int NotifyAll()
    {
        var readers = new List<HandWrittenReader>();
        lock (_gate)
        {
            foreach (var list in _byGroup.Values)
            {
                readers.AddRange(list);
            }
        }

        foreach (var reader in readers)
        {
            reader.Rerender();
        }

        return readers.Count;
    }

    /// <summary>An update of the group's value (what <c>UpdateAsync</c> is on the LiveState side), without telling anyone.</summary>
    public void Increment(string group)
    {
        lock (_gate)
        {
            _values[group] = _values.GetValueOrDefault(group) + 1;
        }
    }
}

/// <summary>What every bench app's circuits need from Blazor, registered as Blazor Server registers it.</summary>
internal static class BenchServices
{
    public static void AddBlazorCircuitServices(IServiceCollection services)
    {
        services.AddLogging();
        services.AddScoped<BenchNavigation>();
        services.AddScoped<NavigationManager>(sp => sp.GetRequiredService<BenchNavigation>());
        services.AddScoped<Microsoft.AspNetCore.Components.Routing.INavigationInterception>(sp => sp.GetRequiredService<BenchNavigation>());
        services.AddScoped<Microsoft.AspNetCore.Components.Routing.IScrollToLocationHash>(sp => sp.GetRequiredService<BenchNavigation>());
        services.AddScoped<AuthenticationStateProvider, ServerAuthenticationStateProvider>();
        services.AddScoped<RenderCounts>();
    }

    /// <summary>Sets the circuit's authentication state, as Blazor does from the connection's user when a circuit starts.</summary>
    public static void SetUser(IServiceProvider scope, ClaimsPrincipal user) =>
        ((IHostEnvironmentAuthenticationStateProvider)scope.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
}
