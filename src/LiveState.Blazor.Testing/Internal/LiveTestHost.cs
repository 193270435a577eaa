namespace LiveState.Blazor.Testing.Internal;

/// <summary>
/// The server side of one test: the simulated circuits opened against the test context's LiveState services, and
/// the broadcast log. A singleton of the test context's container, so it goes away with the context.
/// </summary>
internal sealed class LiveTestHost(IServiceProvider services) : IDisposable, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<LiveTestCircuit> _circuits = [];
    private int _nextId;

    public IServiceProvider Services { get; } = services;

    public LiveBroadcastLog Log { get; } = new();

    public string NextCircuitId() => $"test-circuit-{Interlocked.Increment(ref _nextId)}";

    public void Add(LiveTestCircuit circuit)
    {
        lock (_gate)
        {
            _circuits.Add(circuit);
        }
    }

    public void Remove(LiveTestCircuit circuit)
    {
        lock (_gate)
        {
            _circuits.Remove(circuit);
        }
    }

    public IReadOnlyList<LiveTestCircuit> OpenCircuits()
    {
        lock (_gate)
        {
            return [.. _circuits];
        }
    }

    /// <summary>How often each open circuit has re-rendered for a broadcast so far.</summary>
    public Dictionary<LiveTestCircuit, int> RenderCounts()
    {
        var counts = new Dictionary<LiveTestCircuit, int>(ReferenceEqualityComparer.Instance);
        foreach (var circuit in OpenCircuits())
        {
            counts[circuit] = circuit.RerenderCount;
        }

        return counts;
    }

    /// <summary>The open circuits that re-rendered since <paramref name="before"/> was taken, in the order they were opened.</summary>
    public List<LiveTestCircuit> RerenderedSince(Dictionary<LiveTestCircuit, int> before)
    {
        var rerendered = new List<LiveTestCircuit>();
        foreach (var (circuit, count) in RenderCounts())
        {
            if (count > before.GetValueOrDefault(circuit))
            {
                rerendered.Add(circuit);
            }
        }

        return rerendered;
    }

    // The test context is going away: drop the circuits as a stopping server would, without telling the app.
    public void Dispose()
    {
        foreach (var circuit in OpenCircuits())
        {
            circuit.Abandon();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
