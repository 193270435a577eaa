using System.Reflection;
using System.Text.Json;
using LiveState.Blazor.Backends;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Dashboard;

internal sealed record DashboardSlot(string Key, string Type, long? Version, long? Bytes, DateTimeOffset? ChangedAt, string? Error);

internal sealed record DashboardGroup(string Id, int CircuitsHere, int CircuitsInCluster, int Users, IReadOnlyList<DashboardSlot> Slots);

internal sealed record DashboardHealth(string Name, HealthStatus Status, string? Description, TimeSpan Duration);

internal sealed record DashboardSnapshot(
    DateTimeOffset At,
    string Server,
    int CircuitsHere,
    int CircuitsInCluster,
    int GroupsHere,
    int UsersHere,
    string Store,
    string Backend,
    int GroupsNotShown,
    IReadOnlyList<DashboardGroup> Groups,
    IReadOnlyList<DashboardDelivery> Recent,
    long Deliveries);

/// <summary>
/// Reads what an open dashboard shows: circuits from the registry (this server's, and the cluster's counts through the
/// backend's presence), slots from the store (without touching in-memory groups), deliveries from the feed. One per open
/// dashboard; it remembers slot sizes by version so that an unchanged slot is not serialized again.
/// </summary>
internal sealed class DashboardReader(
    DashboardFeed feed,
    CircuitRegistry local,
    ILiveCircuitRegistry cluster,
    ISessionGroupStore store,
    IOptionsMonitor<LiveStateOptions> options,
    TimeProvider time,
    LiveStateBackend? backend = null,
    HealthCheckService? health = null)
{
    private static readonly MethodInfo ReadSlotMethod = typeof(DashboardReader).GetMethod(nameof(ReadSlotAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly CircuitRegistry _local = local;
    private readonly ILiveCircuitRegistry _cluster = cluster;
    private readonly ISessionGroupStore _store = store;
    private readonly LiveStateBackend? _backend = backend;
    private readonly IOptionsMonitor<LiveStateOptions> _options = options;
    private readonly TimeProvider _time = time;
    private readonly Dictionary<(string Group, string Slot), (long Version, long Bytes)> _sizes = [];

    public async Task<DashboardSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var active = _local.GetActiveGroups();
        var shown = active
            .Select(group => (Group: group, Count: _local.CountGroup(group)))
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Group, StringComparer.Ordinal)
            .Take(feed.Options.MaxGroups)
            .ToArray();

        var groups = new List<DashboardGroup>(shown.Length);
        foreach (var (group, count) in shown)
        {
            var users = _local.GetCircuitsOfGroup(group).Select(c => c.UserId).Where(u => u is not null).Distinct(StringComparer.Ordinal).Count();
            groups.Add(new DashboardGroup(
                LiveIdentity.Redact(group),
                count,
                _backend is null ? count : _cluster.CountGroup(group),
                users,
                await SlotsAsync(group, cancellationToken).ConfigureAwait(false)));
        }

        return new DashboardSnapshot(
            _time.GetUtcNow(),
            Environment.MachineName,
            _local.Count,
            _backend is null ? _local.Count : _cluster.Count,
            active.Count,
            _local.GetOnlineUsers().Count,
            _store.GetType().Name,
            _backend?.GetType().Name ?? "none (this server only)",
            Math.Max(0, active.Count - shown.Length),
            groups,
            feed.Recent(),
            feed.Deliveries);
    }

    /// <summary>The app's health checks, if it registered any (<c>AddHealthChecks()</c>); null otherwise.</summary>
    public async Task<IReadOnlyList<DashboardHealth>?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (health is null)
        {
            return null;
        }

        var report = await health.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return [.. report.Entries.Select(e => new DashboardHealth(e.Key, e.Value.Status, e.Value.Description ?? e.Value.Exception?.GetType().Name, e.Value.Duration))];
    }

    private async Task<IReadOnlyList<DashboardSlot>> SlotsAsync(string group, CancellationToken cancellationToken)
    {
        var changed = feed.ChangedSlots(group).ToDictionary(s => s.Slot, s => s.ChangedAt, StringComparer.Ordinal);
        var slots = new List<DashboardSlot>();
        if (_store is InMemorySessionGroupStore memory)
        {
            // Every slot the group holds, read without touching the group (a dashboard must not keep groups alive).
            foreach (var (key, slot) in memory.SlotsOf(group))
            {
                var type = slot.GetType().GenericTypeArguments[0];
                var version = (long)slot.GetType().GetProperty(nameof(SessionGroupSlot<object>.Version))!.GetValue(slot)!;
                var value = slot.GetType().GetProperty(nameof(SessionGroupSlot<object>.Value))!.GetValue(slot);
                slots.Add(new DashboardSlot(key, TypeName(type), version, Size(group, key, version, value, type), changed.GetValueOrDefault(key), null));
            }

            return slots;
        }

        // Another store: the slots this server saw change, read through the store by their type.
        foreach (var (key, changedAt) in changed.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (SlotTypes.Find(key) is not { } type)
            {
                slots.Add(new DashboardSlot(key, "(not used on this server)", null, null, changedAt, null));
                continue;
            }

            try
            {
                var read = (Task<(long Version, object? Value)?>)ReadSlotMethod.MakeGenericMethod(type).Invoke(null, [_store, group, key, cancellationToken])!;
                var slot = await read.ConfigureAwait(false);
                slots.Add(slot is { } s
                    ? new DashboardSlot(key, TypeName(type), s.Version, Size(group, key, s.Version, s.Value, type), changedAt, null)
                    : new DashboardSlot(key, TypeName(type), null, null, changedAt, "deleted"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                slots.Add(new DashboardSlot(key, TypeName(type), null, null, changedAt, ex.GetType().Name));
            }
        }

        return slots;
    }

    private long Size(string group, string key, long version, object? value, Type type)
    {
        if (_sizes.TryGetValue((group, key), out var known) && known.Version == version)
        {
            return known.Bytes;
        }

        long bytes = value is null ? 0 : JsonSerializer.SerializeToUtf8Bytes(value, type, _options.CurrentValue.JsonSerializerOptions).Length;
        if (_sizes.Count >= DashboardFeed.MaxSlots)
        {
            _sizes.Clear();
        }

        _sizes[(group, key)] = (version, bytes);
        return bytes;
    }

    private static async Task<(long Version, object? Value)?> ReadSlotAsync<T>(ISessionGroupStore store, string group, string key, CancellationToken cancellationToken)
        where T : class =>
        await store.GetAsync<T>(group, key, cancellationToken).ConfigureAwait(false) is { } slot ? (slot.Version, slot.Value) : null;

    private static string TypeName(Type type) => type.FullName ?? type.Name;
}
