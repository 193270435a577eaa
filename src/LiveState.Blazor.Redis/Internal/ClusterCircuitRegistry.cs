using LiveState.Blazor.Circuits;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Presence across the cluster: this server's circuits (the core's registry) together with the other servers'
/// (<see cref="RemotePresence"/>, kept in memory). Every query answers at once, without Redis; counts allocate
/// nothing. <see cref="Changed"/> reports changes on every server, local ones as they happen and remote ones
/// when their message arrives.
/// </summary>
internal sealed class ClusterCircuitRegistry : ILiveCircuitRegistry, IDisposable
{
    private readonly CircuitRegistry _local;
    private readonly RemotePresence _remote;
    private readonly ILogger _logger;

    public ClusterCircuitRegistry(CircuitRegistry local, RemotePresence remote, ILogger<ClusterCircuitRegistry> logger)
    {
        _local = local;
        _remote = remote;
        _logger = logger;
        _local.Changed += OnLocalChanged;
        _remote.Changed += Raise;
    }

    public event EventHandler<LiveCircuitChangedEventArgs>? Changed;

    public int Count => _local.Count + _remote.Count;

    public LiveCircuitInfo? Find(string circuitId)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        return _local.Find(circuitId) ?? _remote.Find(circuitId);
    }

    public IReadOnlyList<LiveCircuitInfo> GetCircuitsOfGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return Merge(_local.GetCircuitsOfGroup(groupId), _remote.CircuitsOfGroup(groupId));
    }

    public IReadOnlyList<LiveCircuitInfo> GetCircuitsOfUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Merge(_local.GetCircuitsOfUser(userId), _remote.CircuitsOfUser(userId));
    }

    public int CountGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return _local.CountGroup(groupId) + _remote.CircuitsOfGroup(groupId).Length;
    }

    public int CountUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _local.CountUser(userId) + _remote.CircuitsOfUser(userId).Length;
    }

    public IReadOnlyList<string> GetOnlineUsers() => Union(_local.GetOnlineUsers(), _remote.Users);

    public IReadOnlyList<string> GetActiveGroups() => Union(_local.GetActiveGroups(), _remote.Groups);

    public IReadOnlyList<LiveCircuitInfo> GetAll()
    {
        var local = _local.GetAll();
        if (_remote.Count == 0)
        {
            return local;
        }

        var all = new List<LiveCircuitInfo>(local.Count + _remote.Count);
        all.AddRange(local);
        all.AddRange(_remote.All);
        return all;
    }

    private static IReadOnlyList<LiveCircuitInfo> Merge(IReadOnlyList<LiveCircuitInfo> local, LiveCircuitInfo[] remote)
    {
        if (remote.Length == 0)
        {
            return local;
        }

        // A fresh array: callers never hold the remote index's own.
        var merged = new LiveCircuitInfo[local.Count + remote.Length];
        for (var i = 0; i < local.Count; i++)
        {
            merged[i] = local[i];
        }

        remote.CopyTo(merged, local.Count);
        return merged;
    }

    private static IReadOnlyList<string> Union(IReadOnlyList<string> local, IEnumerable<string> remote)
    {
        HashSet<string>? seen = null;
        List<string>? union = null;
        foreach (var key in remote)
        {
            if (seen is null)
            {
                seen = new HashSet<string>(local, StringComparer.Ordinal);
                union = [.. local];
            }

            if (seen.Add(key))
            {
                union!.Add(key);
            }
        }

        return union ?? local;
    }

    private void OnLocalChanged(object? sender, LiveCircuitChangedEventArgs change) => Raise(change);

    private void Raise(LiveCircuitChangedEventArgs change) =>
        RegistryChanges.Raise(Changed, this, change, ex => Log.PresenceHandlerFailed(_logger, change.Kind, ex));

    public void Dispose()
    {
        _local.Changed -= OnLocalChanged;
        _remote.Changed -= Raise;
    }
}
