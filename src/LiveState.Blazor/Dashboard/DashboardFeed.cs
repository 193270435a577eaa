using LiveState.Blazor.Backends;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;

namespace LiveState.Blazor.Dashboard;

/// <summary>One delivery as the dashboard lists it: the group id already redacted.</summary>
internal sealed record DashboardDelivery(DateTimeOffset At, LiveRenderCause Cause, LiveTargetKind Target, string? Group, string? Slot, int Reached, TimeSpan Duration);

/// <summary>
/// What the dashboard needs that is not asked of the registry or the store at render time: the last deliveries of this
/// server, and when each slot of a group last changed (here, or told by another server). Bounded; told by LiveState as
/// an <see cref="ILiveStateObserver"/> and by the registry's change event; raises <see cref="Changed"/> for open dashboards.
/// </summary>
internal sealed class DashboardFeed : ILiveStateObserver, IDisposable
{
    // Slots remembered per server, whatever the number of groups: the oldest changes are forgotten first.
    internal const int MaxSlots = 4_096;

    private readonly Lock _gate = new();
    private readonly DashboardDelivery?[] _recent;
    private readonly Dictionary<(string Group, string Slot), DateTimeOffset> _slots = [];
    private readonly CircuitRegistry _registry;
    private readonly TimeProvider _time;
    private int _next;
    private long _deliveries;

    public DashboardFeed(LiveStateDashboardOptions options, CircuitRegistry registry, TimeProvider time)
    {
        _recent = new DashboardDelivery?[options.RecentDeliveries];
        _registry = registry;
        _time = time;
        Options = options;
        StartedAt = time.GetUtcNow();
        _registry.Changed += OnCircuitChanged;
    }

    public LiveStateDashboardOptions Options { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Deliveries recorded since start.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Raised after something a dashboard shows changed (on the thread that changed it; handlers must be quick).</summary>
    public event Action? Changed;

    public void OnRendered(LiveRenderEvent delivery)
    {
        var now = _time.GetUtcNow();
        var entry = new DashboardDelivery(now, delivery.Cause, delivery.Target, delivery.GroupId is { } group ? LiveIdentity.Redact(group) : null, delivery.SlotKey, delivery.Reached, delivery.Duration);
        lock (_gate)
        {
            _recent[_next] = entry;
            _next = (_next + 1) % _recent.Length;
            if (delivery is { Cause: LiveRenderCause.SlotChanged, GroupId: { } changed, SlotKey: { } slot })
            {
                if (_slots.Count >= MaxSlots && !_slots.ContainsKey((changed, slot)))
                {
                    ForgetOldest();
                }

                _slots[(changed, slot)] = now;
            }
            else if (delivery is { Cause: LiveRenderCause.SlotChanged, GroupId: { } deleted, SlotKey: null })
            {
                // Every slot of the group changed (deleted): when each changed is now.
                foreach (var key in _slots.Keys.Where(k => k.Group == deleted).ToArray())
                {
                    _slots[key] = now;
                }
            }
        }

        Interlocked.Increment(ref _deliveries);
        Changed?.Invoke();
    }

    /// <summary>The last deliveries, newest first.</summary>
    public IReadOnlyList<DashboardDelivery> Recent()
    {
        lock (_gate)
        {
            var list = new List<DashboardDelivery>(_recent.Length);
            for (var i = 1; i <= _recent.Length; i++)
            {
                if (_recent[(_next - i + _recent.Length) % _recent.Length] is { } entry)
                {
                    list.Add(entry);
                }
            }

            return list;
        }
    }

    /// <summary>The slots of a group known to have changed since this server started, and when each last changed.</summary>
    public IReadOnlyList<(string Slot, DateTimeOffset ChangedAt)> ChangedSlots(string groupId)
    {
        lock (_gate)
        {
            return [.. _slots.Where(e => e.Key.Group == groupId).Select(e => (e.Key.Slot, e.Value))];
        }
    }

    public void Dispose() => _registry.Changed -= OnCircuitChanged;

    private void OnCircuitChanged(object? sender, LiveCircuitChangedEventArgs e) => Changed?.Invoke();

    // Called under _gate.
    private void ForgetOldest()
    {
        foreach (var key in _slots.OrderBy(e => e.Value).Take(Math.Max(1, MaxSlots / 8)).Select(e => e.Key).ToArray())
        {
            _slots.Remove(key);
        }
    }
}
