namespace LatencyApp;

/// <summary>
/// The baseline: what Blazor developers write without LiveState. A singleton with one event every component
/// subscribes to; each subscriber checks whether the change is for its room and re-renders itself.
/// </summary>
public sealed class CounterBoard
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Raised after every change; <see cref="ChangedRoom"/> says which room changed.</summary>
    public event Action? Changed;

    /// <summary>The room of the latest change.</summary>
    public string? ChangedRoom { get; private set; }

    /// <summary>A room's count.</summary>
    public int Get(string room)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(room);
        }
    }

    /// <summary>Adds one to a room's count and tells every subscriber.</summary>
    public void Increment(string room)
    {
        lock (_gate)
        {
            _counts[room] = _counts.GetValueOrDefault(room) + 1;
            ChangedRoom = room;
        }

        Changed?.Invoke();
    }
}

/// <summary>The LiveState page's state: one small slot of the browser's session group.</summary>
[LiveState.Blazor.SessionGroupSlot("latency.counter")]
public sealed record LatencyCounter(int Value)
{
    /// <summary>The empty counter.</summary>
    public LatencyCounter()
        : this(0)
    {
    }
}
