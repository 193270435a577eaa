using System.Collections.Concurrent;
using System.Reflection;
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
/// dashboard; slot sizes come from the feed, which serializes a slot once per version for every dashboard.
/// </summary>
internal sealed class DashboardReader(
    DashboardFeed feed,
    CircuitRegistry local,
    ILiveCircuitRegistry cluster,
    ISessionGroupStore store,
    IOptionsMonitor<LiveStateOptions> options,
    TimeProvider time,
    LiveStateBackend? backend = null)
{
    private static readonly MethodInfo ReadSlotMethod = typeof(DashboardReader).GetMethod(nameof(ReadSlotAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<Type, Func<ISessionGroupStore, string, string, CancellationToken, Task<ISlotSnapshot?>>> Readers = new();

    public async Task<DashboardSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var active = local.GetActiveGroups();
        var shown = active
            .Select(group => (Group: group, Count: local.CountGroup(group)))
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Group, StringComparer.Ordinal)
            .Take(feed.Options.MaxGroups)
            .ToArray();

        var groups = new List<DashboardGroup>(shown.Length);
        foreach (var (group, count) in shown)
        {
            var users = local.GetCircuitsOfGroup(group).Select(c => c.UserId).Where(u => u is not null).Distinct(StringComparer.Ordinal).Count();
            groups.Add(new DashboardGroup(
                LiveIdentity.Redact(group),
                count,
                backend is null ? count : cluster.CountGroup(group),
                users,
                await SlotsAsync(group, cancellationToken).ConfigureAwait(false)));
        }

        return new DashboardSnapshot(
            time.GetUtcNow(),
            Environment.MachineName,
            local.Count,
            backend is null ? local.Count : cluster.Count,
            active.Count,
            local.GetOnlineUsers().Count,
            store.GetType().Name,
            backend?.GetType().Name ?? "none (this server only)",
            Math.Max(0, active.Count - shown.Length),
            groups,
            feed.Recent(),
            feed.Deliveries);
    }

    private async Task<IReadOnlyList<DashboardSlot>> SlotsAsync(string group, CancellationToken cancellationToken)
    {
        var changed = feed.ChangedSlots(group);
        var json = options.CurrentValue.JsonSerializerOptions;
        var slots = new List<DashboardSlot>();
        if (store is InMemorySessionGroupStore memory)
        {
            // Every slot the group holds, read without touching the group (a dashboard must not keep groups alive).
            foreach (var (key, slot) in memory.SlotsOf(group))
            {
                var snapshot = (ISlotSnapshot)slot;
                slots.Add(new DashboardSlot(key, TypeName(snapshot.ValueType), snapshot.Version, feed.Size(group, key, snapshot, json), At(changed, key), null));
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
                var read = Readers.GetOrAdd(type, static t => ReadSlotMethod.MakeGenericMethod(t).CreateDelegate<Func<ISessionGroupStore, string, string, CancellationToken, Task<ISlotSnapshot?>>>());
                slots.Add(await read(store, group, key, cancellationToken).ConfigureAwait(false) is { } snapshot
                    ? new DashboardSlot(key, TypeName(type), snapshot.Version, feed.Size(group, key, snapshot, json), changedAt, null)
                    : new DashboardSlot(key, TypeName(type), null, null, changedAt, "deleted"));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                slots.Add(new DashboardSlot(key, TypeName(type), null, null, changedAt, ex.GetType().Name));
            }
        }

        return slots;
    }

    private static DateTimeOffset? At(IReadOnlyDictionary<string, DateTimeOffset> changed, string key) =>
        changed.TryGetValue(key, out var at) ? at : null;

    private static async Task<ISlotSnapshot?> ReadSlotAsync<T>(ISessionGroupStore store, string group, string key, CancellationToken cancellationToken)
        where T : class =>
        await store.GetAsync<T>(group, key, cancellationToken).ConfigureAwait(false);

    private static string TypeName(Type type) => type.FullName ?? type.Name;
}
