using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Presence as the Redis backend answers it (<see cref="LiveStateBackend.Presence"/>): this server's circuits, always,
/// plus the other servers' circuits in the groups and users this server hosts (<see cref="HostedPresence"/>). Answers
/// are synchronous and never wait on Redis.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Count"/> is the whole cluster's (every live server's circuit count, renewed at each heartbeat).
/// <see cref="CountGroup"/>, <see cref="GetCircuitsOfGroup"/>, <see cref="CountUser"/> and <see cref="GetCircuitsOfUser"/>
/// are the whole cluster's for a group or user hosted here (a circuit here is in it, or watches it); for another one
/// they answer this server's circuits plus what a background read of its presence found (started by the first such
/// question, read again when a question finds it older than a second), and re-render the group's presence readers here once that read is in.
/// <see cref="Find"/>, <see cref="GetAll"/>, <see cref="GetOnlineUsers"/> and <see cref="GetActiveGroups"/> cover this
/// server's circuits and those of the groups and users it hosts: not the whole cluster.
/// </para>
/// <para>
/// <see cref="Changed"/> reports this server's circuits, and the other servers' circuits in hosted topics as their
/// changes arrive (a server whose lease ends: its circuits close).
/// </para>
/// </remarks>
internal sealed class ClusterPresence : ILiveCircuitRegistry, IDisposable
{
    private const int MaxLookups = 1_024;

    private readonly Lock _lookupsLock = new();
    private readonly Dictionary<LiveTopic, Lookup> _lookups = [];
    private readonly HostedPresence _hosted;
    private readonly Subscriptions _subscriptions;
    private readonly HostAccess _host;
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly RedisLiveStateOptions _options;
    private readonly IOptionsMonitor<LiveStateOptions> _liveState;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ClusterPresence(HostedPresence hosted, Subscriptions subscriptions, HostAccess host, RedisConnection connection, RedisNames names, ServerIdentity self, IOptions<RedisLiveStateOptions> options, IOptionsMonitor<LiveStateOptions> liveState, TimeProvider time, ILogger<ClusterPresence> logger)
    {
        _hosted = hosted;
        _subscriptions = subscriptions;
        _host = host;
        _connection = connection;
        _names = names;
        _self = self;
        _options = options.Value;
        _liveState = liveState;
        _time = time;
        _logger = logger;
        _hosted.Changed += RaiseRemote;
    }

    public event EventHandler<LiveCircuitChangedEventArgs>? Changed;

    private ILiveCircuitRegistry? Local => _host.Current?.LocalCircuits;

    // How long a read of a topic not hosted here answers before the next question reads it again.
    private TimeSpan LookupFreshness => _options.PresenceHeartbeatInterval < TimeSpan.FromSeconds(1) ? _options.PresenceHeartbeatInterval : TimeSpan.FromSeconds(1);

    public int Count => (Local?.Count ?? 0) + _hosted.RemoteCount;

    public LiveCircuitInfo? Find(string circuitId)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        return Local?.Find(circuitId) ?? _hosted.Find(circuitId);
    }

    public IReadOnlyList<LiveCircuitInfo> GetCircuitsOfGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return Merge(Local?.GetCircuitsOfGroup(groupId) ?? [], Remote(LiveTopic.Group(groupId)));
    }

    public IReadOnlyList<LiveCircuitInfo> GetCircuitsOfUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Merge(Local?.GetCircuitsOfUser(userId) ?? [], Remote(LiveTopic.User(userId)));
    }

    public int CountGroup(string groupId)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        return (Local?.CountGroup(groupId) ?? 0) + Remote(LiveTopic.Group(groupId)).Length;
    }

    public int CountUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return (Local?.CountUser(userId) ?? 0) + Remote(LiveTopic.User(userId)).Length;
    }

    public IReadOnlyList<string> GetOnlineUsers()
    {
        var users = new HashSet<string>(Local?.GetOnlineUsers() ?? [], StringComparer.Ordinal);
        foreach (var circuit in _hosted.Known())
        {
            if (circuit.UserId is { } userId)
            {
                users.Add(userId);
            }
        }

        return [.. users];
    }

    public IReadOnlyList<string> GetActiveGroups()
    {
        var groups = new HashSet<string>(Local?.GetActiveGroups() ?? [], StringComparer.Ordinal);
        foreach (var circuit in _hosted.Known())
        {
            groups.Add(circuit.GroupId);
            groups.UnionWith(circuit.Identity.Memberships);
        }

        return [.. groups];
    }

    public IReadOnlyList<LiveCircuitInfo> GetAll()
    {
        var local = Local?.GetAll() ?? [];
        var remote = _hosted.Known();
        if (remote.Count == 0)
        {
            return local;
        }

        var all = new List<LiveCircuitInfo>(local.Count + remote.Count);
        all.AddRange(local);
        all.AddRange(remote);
        return all;
    }

    /// <summary>A local circuit changed (the core tells the backend).</summary>
    public void RaiseLocal(LiveCircuitChangedEventArgs change) => Raise(change);

    private void RaiseRemote(List<LiveCircuitChangedEventArgs> changes)
    {
        foreach (var change in changes)
        {
            Raise(change);
        }
    }

    private void Raise(LiveCircuitChangedEventArgs change)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        // One failing handler never keeps the others from hearing.
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<LiveCircuitChangedEventArgs>)handler)(this, change);
            }
            catch (Exception ex)
            {
                Log.PresenceHandlerFailed(_logger, change.Kind, ex);
            }
        }
    }

    /// <summary>The other servers' circuits in a topic: hosted ones from their kept presence, others from a recent read (started now if there is none).</summary>
    private LiveCircuitInfo[] Remote(LiveTopic topic)
    {
        if (_hosted.CircuitsOf(topic) is { } hosted)
        {
            return hosted;
        }

        if (_subscriptions.Hosts(topic))
        {
            // Hosted, its presence loading: the load re-renders the group's presence readers when it is in.
            return [];
        }

        var now = _time.GetTimestamp();
        Lookup? lookup;
        var load = false;
        lock (_lookupsLock)
        {
            if (!_lookups.TryGetValue(topic, out lookup))
            {
                if (_lookups.Count >= MaxLookups)
                {
                    var oldest = _lookups.MinBy(l => l.Value.LoadedAt);
                    _lookups.Remove(oldest.Key);
                }

                _lookups[topic] = lookup = new Lookup();
            }

            if (!lookup.Loading && (lookup.LoadedAt == 0 || _time.GetElapsedTime(lookup.LoadedAt, now) >= LookupFreshness))
            {
                lookup.Loading = true;
                load = true;
            }
        }

        if (load)
        {
            _ = LoadAsync(topic, lookup);
        }

        var circuits = lookup.Circuits;
        if (circuits.Length == 0)
        {
            return [];
        }

        List<LiveCircuitInfo>? live = null;
        foreach (var (server, circuit) in circuits)
        {
            if (_hosted.IsLive(server))
            {
                (live ??= []).Add(circuit);
            }
        }

        return live is null ? [] : [.. live];
    }

    private async Task LoadAsync(LiveTopic topic, Lookup lookup)
    {
        try
        {
            var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var fields = await database.HashGetAllAsync(_names.Presence(topic)).ConfigureAwait(false);
            var circuits = new List<(string, LiveCircuitInfo)>();
            foreach (var field in fields)
            {
                if (PresenceEntry.TryParse(field.Value, out var entry, out _) && entry.Server != _self.Id)
                {
                    circuits.Add((entry.Server!, entry.ToInfo()));
                }
            }

            var changed = circuits.Count != lookup.Circuits.Length || !circuits.Select(c => c.Item2.CircuitId).SequenceEqual(lookup.Circuits.Select(c => c.Circuit.CircuitId));
            lookup.Circuits = [.. circuits];
            lookup.LoadedAt = _time.GetTimestamp();
            if (changed && topic.Kind == LiveTopicKind.Group && _liveState.CurrentValue.BroadcastPresenceChanges && _host.Current is { } host)
            {
                await host.PresenceChangedAsync(topic.Id).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Answers stay what they were; the next question tries again.
            Log.PresenceLookupFailed(_logger, RedisFailures.Describe(RedisFailures.Scrub(ex)));
        }
        finally
        {
            lock (_lookupsLock)
            {
                lookup.Loading = false;
            }
        }
    }

    private static IReadOnlyList<LiveCircuitInfo> Merge(IReadOnlyList<LiveCircuitInfo> local, LiveCircuitInfo[] remote)
    {
        if (remote.Length == 0)
        {
            return local;
        }

        // A fresh array: callers never hold the presence's own.
        var merged = new LiveCircuitInfo[local.Count + remote.Length];
        for (var i = 0; i < local.Count; i++)
        {
            merged[i] = local[i];
        }

        remote.CopyTo(merged, local.Count);
        return merged;
    }

    public void Dispose() => _hosted.Changed -= RaiseRemote;

    private sealed class Lookup
    {
        public (string Server, LiveCircuitInfo Circuit)[] Circuits { get; set; } = [];

        public long LoadedAt { get; set; }

        public bool Loading { get; set; }
    }
}
