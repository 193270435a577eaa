using System.Collections.Concurrent;
using System.Text.Json;
using LiveState.Blazor.Backends;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

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
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _slots = new(StringComparer.Ordinal); // by group, under _gate
    private readonly ConcurrentDictionary<(string Group, string Slot), (long Version, long Bytes)> _sizes = new();
    private readonly CircuitRegistry _registry;
    private readonly TimeProvider _time;
    private readonly HealthCheckService? _health;
    private Task<IReadOnlyList<DashboardHealth>?>? _lastHealth; // under _gate
    private long _lastHealthAt; // under _gate
    private int _slotCount; // under _gate
    private int _next;
    private long _deliveries;

    public DashboardFeed(LiveStateDashboardOptions options, CircuitRegistry registry, TimeProvider time, HealthCheckService? health = null)
    {
        _recent = new DashboardDelivery?[options.RecentDeliveries];
        _registry = registry;
        _time = time;
        _health = health;
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
            if (delivery is { Cause: LiveRenderCause.SlotChanged, GroupId: { } changed })
            {
                SlotChanged(changed, delivery.SlotKey, now);
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
    public IReadOnlyDictionary<string, DateTimeOffset> ChangedSlots(string groupId)
    {
        lock (_gate)
        {
            return _slots.TryGetValue(groupId, out var slots) ? new Dictionary<string, DateTimeOffset>(slots, StringComparer.Ordinal) : [];
        }
    }

    /// <summary>The size of a slot's JSON form, serialized once per version for every open dashboard.</summary>
    public long Size(string groupId, string slotKey, ISlotSnapshot slot, JsonSerializerOptions json)
    {
        if (_sizes.TryGetValue((groupId, slotKey), out var known) && known.Version == slot.Version)
        {
            return known.Bytes;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(slot.Value, slot.ValueType, json).LongLength;
        if (_sizes.Count >= MaxSlots)
        {
            foreach (var key in _sizes.Keys.Take(MaxSlots / 8))
            {
                _sizes.TryRemove(key, out _);
            }
        }

        _sizes[(groupId, slotKey)] = (slot.Version, bytes);
        return bytes;
    }

    /// <summary>
    /// The app's health checks (null when <c>AddHealthChecks()</c> registered none), run at most once per
    /// <see cref="LiveStateDashboardOptions.HealthInterval"/> whatever the number of open dashboards.
    /// </summary>
    public Task<IReadOnlyList<DashboardHealth>?> HealthAsync()
    {
        if (_health is null)
        {
            return Task.FromResult<IReadOnlyList<DashboardHealth>?>(null);
        }

        lock (_gate)
        {
            if (_lastHealth is { } last && (!last.IsCompleted || _time.GetElapsedTime(_lastHealthAt) < Options.HealthInterval))
            {
                return last;
            }

            _lastHealthAt = _time.GetTimestamp();
            return _lastHealth = CheckAsync(_health, Options.HealthInterval);
        }

        static async Task<IReadOnlyList<DashboardHealth>?> CheckAsync(HealthCheckService health, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            var report = await health.CheckHealthAsync(cancel.Token).ConfigureAwait(false);
            return [.. report.Entries.Select(e => new DashboardHealth(e.Key, e.Value.Status, e.Value.Description ?? e.Value.Exception?.GetType().Name, e.Value.Duration))];
        }
    }

    public void Dispose() => _registry.Changed -= OnCircuitChanged;

    private void OnCircuitChanged(object? sender, LiveCircuitChangedEventArgs e) => Changed?.Invoke();

    // Called under _gate. A null slot key: every slot of the group changed (deleted).
    private void SlotChanged(string groupId, string? slotKey, DateTimeOffset now)
    {
        if (!_slots.TryGetValue(groupId, out var slots))
        {
            if (slotKey is null)
            {
                return;
            }

            _slots[groupId] = slots = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }

        if (slotKey is null)
        {
            foreach (var key in slots.Keys.ToArray())
            {
                slots[key] = now;
            }

            return;
        }

        if (slots.ContainsKey(slotKey))
        {
            slots[slotKey] = now;
            return;
        }

        if (_slotCount >= MaxSlots)
        {
            ForgetOldest();
        }

        slots[slotKey] = now;
        _slotCount++;
    }

    // Called under _gate, once per MaxSlots / 8 new slots at most.
    private void ForgetOldest()
    {
        var oldest = _slots
            .SelectMany(g => g.Value.Select(s => (Group: g.Key, Slot: s.Key, At: s.Value)))
            .OrderBy(e => e.At)
            .Take(MaxSlots / 8)
            .ToArray();
        foreach (var (group, slot, _) in oldest)
        {
            var slots = _slots[group];
            slots.Remove(slot);
            _slotCount--;
            if (slots.Count == 0)
            {
                _slots.Remove(group);
            }
        }
    }
}
