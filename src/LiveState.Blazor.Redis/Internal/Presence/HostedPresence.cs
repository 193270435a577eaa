using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// What this server knows of the other servers' circuits: those in the groups and users it hosts (each loaded from its
/// presence hash when the topic becomes hosted, then kept current from the presence messages on the topic's channel),
/// and each server's lease and circuit count (read at every heartbeat). Memory is in proportion to the circuits of the
/// hosted topics, never to the cluster. A server whose lease lapsed is hidden at once (its circuits leave every answer
/// and are reported closed) and forgotten one presence timeout later, unless it comes back.
/// </summary>
/// <remarks>
/// Presence messages carry the sender's sequence number and that of its previous write in the topic: a receiver that
/// finds the previous one is not the last it applied missed a message, and reads the topic's hash again. One lock
/// guards it all; answers are read from arrays that are replaced, never changed, so readers never wait.
/// </remarks>
internal sealed class HostedPresence
{
    private readonly Lock _lock = new();
    private readonly Dictionary<LiveTopic, TopicPresence> _topics = [];
    private readonly Dictionary<string, KnownCircuit> _circuits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServerView> _servers = new(StringComparer.Ordinal);
    private readonly string _self;
    private readonly RedisLiveStateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogLimiter _unreadable;
    private int _remoteCount;

    public HostedPresence(ServerIdentity self, IOptions<RedisLiveStateOptions> options, TimeProvider time, ILogger<HostedPresence> logger)
    {
        _self = self.Id;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _unreadable = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
    }

    /// <summary>Raised, outside the lock, after circuits of other servers appeared, changed or left this server's view.</summary>
    public event Action<List<LiveCircuitChangedEventArgs>>? Changed;

    /// <summary>Raised, outside the lock, with the groups whose presence changed here: their presence readers re-render.</summary>
    public event Action<IReadOnlyCollection<string>>? GroupsChanged;

    /// <summary>The circuits of other servers held here (each once, whatever number of hosted topics it is in).</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _circuits.Count;
            }
        }
    }

    /// <summary>The circuits of the other live servers, as their leases count them.</summary>
    public int RemoteCount => Volatile.Read(ref _remoteCount);

    /// <summary>The other servers whose leases are current.</summary>
    public int LiveServers
    {
        get
        {
            lock (_lock)
            {
                return _servers.Values.Count(s => !s.Lapsed);
            }
        }
    }

    /// <summary>The other live servers (a snapshot).</summary>
    public IReadOnlyList<string> LiveServerIds()
    {
        lock (_lock)
        {
            return [.. _servers.Where(s => !s.Value.Lapsed).Select(s => s.Key)];
        }
    }

    /// <summary>Whether a server's circuits count: it is not known to have lapsed (an unknown one just wrote, so it is alive).</summary>
    public bool IsLive(string serverId)
    {
        lock (_lock)
        {
            return !_servers.TryGetValue(serverId, out var view) || !view.Lapsed;
        }
    }

    /// <summary>The other servers' circuits in a hosted topic, as loaded and kept current; null when the topic is not hosted (or not loaded yet).</summary>
    public LiveCircuitInfo[]? CircuitsOf(LiveTopic topic)
    {
        lock (_lock)
        {
            return _topics.TryGetValue(topic, out var state) && state.Loaded ? state.Visible : null;
        }
    }

    public LiveCircuitInfo? Find(string circuitId)
    {
        lock (_lock)
        {
            return _circuits.TryGetValue(circuitId, out var known) ? known.Shown : null;
        }
    }

    /// <summary>The server a circuit held here lives on, or null.</summary>
    public string? ServerOf(string circuitId)
    {
        lock (_lock)
        {
            return _circuits.TryGetValue(circuitId, out var known) && known.Shown is not null ? known.Server : null;
        }
    }

    /// <summary>Every circuit of another server held here (a snapshot).</summary>
    public List<LiveCircuitInfo> Known()
    {
        lock (_lock)
        {
            var list = new List<LiveCircuitInfo>(_circuits.Count);
            foreach (var known in _circuits.Values)
            {
                if (known.Shown is { } shown)
                {
                    list.Add(shown);
                }
            }

            return list;
        }
    }

    /// <summary>A topic is being subscribed: its presence follows (<see cref="Load"/>).</summary>
    public void Begin(LiveTopic topic)
    {
        lock (_lock)
        {
            _topics.TryAdd(topic, new TopicPresence());
        }
    }

    /// <summary>A topic is no longer hosted: what was known of it goes (quietly: its circuits did not close, they left this server's view).</summary>
    public void End(LiveTopic topic)
    {
        lock (_lock)
        {
            if (!_topics.Remove(topic, out var state))
            {
                return;
            }

            foreach (var circuitId in state.Entries.Keys)
            {
                if (_circuits.TryGetValue(circuitId, out var known) && --known.Refs <= 0)
                {
                    _circuits.Remove(circuitId);
                }
            }
        }
    }

    /// <summary>The topic's presence hash, as read: replaces what was known of the topic. Returns the groups whose presence changed here.</summary>
    public Outcome Load(LiveTopic topic, HashEntry[] fields)
    {
        var entries = new Dictionary<string, RemoteEntry>(StringComparer.Ordinal);
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var name = (string?)field.Name ?? string.Empty;
            if (name.StartsWith(PresenceScripts.SequenceFieldPrefix, StringComparison.Ordinal))
            {
                // Unreadable: 0, so that the server's next change looks like a gap and the hash is read again.
                sequences[name[PresenceScripts.SequenceFieldPrefix.Length..]] = field.Value.TryParse(out long sequence) ? sequence : 0;
                continue;
            }

            if (!PresenceEntry.TryParse(field.Value, out var entry, out var problem))
            {
                Unreadable(Redaction.Bounded(name), problem);
                continue;
            }

            if (entry.Server != _self)
            {
                entries[entry.CircuitId] = new RemoteEntry(entry.Server!, entry.ToInfo());
            }
        }

        var outcome = new Outcome();
        lock (_lock)
        {
            if (!_topics.TryGetValue(topic, out var state))
            {
                return outcome;
            }

            var touched = new HashSet<string>(state.Entries.Keys, StringComparer.Ordinal);
            foreach (var circuitId in state.Entries.Keys)
            {
                Release(circuitId);
            }

            state.Entries.Clear();
            state.Sequences.Clear();
            foreach (var (server, sequence) in sequences)
            {
                if (server != _self)
                {
                    state.Sequences[server] = sequence;
                }
            }

            foreach (var (circuitId, entry) in entries)
            {
                See(entry.Server);
                Put(state, circuitId, entry);
                touched.Add(circuitId);
            }

            state.Loaded = true;
            Refresh(topic, state, outcome);
            Touch(touched, outcome);
        }

        Raise(outcome);
        return outcome;
    }

    /// <summary>A presence message on a hosted topic's channel. Returns the groups whose presence changed, or that the topic must be read again.</summary>
    public Outcome Apply(LiveTopic topic, WireMessage message)
    {
        var outcome = new Outcome();
        lock (_lock)
        {
            if (message.Server == _self || !_topics.TryGetValue(topic, out var state) || !state.Loaded)
            {
                return outcome;
            }

            var touched = new HashSet<string>(StringComparer.Ordinal);
            var server = message.Server;
            var known = state.Sequences.GetValueOrDefault(server);
            switch (message.Kind)
            {
                case WireKind.PresenceDelta:
                    if (message.Sequence <= known)
                    {
                        // Already in what was loaded.
                        return outcome;
                    }

                    if (message.Previous != known)
                    {
                        // A write of that server in this topic was missed.
                        outcome.Reload = true;
                        return outcome;
                    }

                    See(server);
                    foreach (var entry in message.Entries!)
                    {
                        if (entry.IsRemoval)
                        {
                            if (state.Entries.TryGetValue(entry.CircuitId, out var existing) && existing.Server == server)
                            {
                                state.Entries.Remove(entry.CircuitId);
                                Release(entry.CircuitId);
                                touched.Add(entry.CircuitId);
                            }
                        }
                        else
                        {
                            Put(state, entry.CircuitId, new RemoteEntry(server, entry.ToInfo()));
                            touched.Add(entry.CircuitId);
                        }
                    }

                    break;
                case WireKind.PresenceSnapshot:
                    if (message.Sequence <= known)
                    {
                        return outcome;
                    }

                    See(server);
                    Forget(state, server, touched);
                    foreach (var entry in message.Entries!)
                    {
                        if (!entry.IsRemoval)
                        {
                            Put(state, entry.CircuitId, new RemoteEntry(server, entry.ToInfo()));
                            touched.Add(entry.CircuitId);
                        }
                    }

                    break;
                case WireKind.ServerGone:
                    Forget(state, message.GoneServer!, touched);
                    state.Sequences.Remove(message.GoneServer!);
                    break;
                default:
                    return outcome;
            }

            if (message.Kind == WireKind.ServerGone)
            {
                // Its writes in this topic are over (if it lives after all, it writes a snapshot).
            }
            else if (message.Last)
            {
                // Its next write here starts from nothing.
                Forget(state, server, touched);
                state.Sequences.Remove(server);
            }
            else
            {
                state.Sequences[server] = message.Sequence;
            }

            Refresh(topic, state, outcome);
            Touch(touched, outcome);
        }

        Raise(outcome);
        return outcome;
    }

    /// <summary>
    /// The leases as a heartbeat read them (Redis time <paramref name="now"/>, in milliseconds): servers with a current
    /// lease are live until it ends; those missing from it since before <paramref name="readStarted"/> lapsed.
    /// </summary>
    public Outcome UpdateLeases(long now, IReadOnlyList<Lease> leases, long readStarted)
    {
        var outcome = new Outcome();
        var local = _time.GetTimestamp();
        lock (_lock)
        {
            var current = new HashSet<string>(StringComparer.Ordinal);
            var changed = new HashSet<string>(StringComparer.Ordinal);
            var count = 0;
            foreach (var lease in leases)
            {
                if (lease.Server == _self || lease.Expiry <= now)
                {
                    continue;
                }

                current.Add(lease.Server);
                count += lease.Circuits;
                if (!_servers.TryGetValue(lease.Server, out var view))
                {
                    _servers[lease.Server] = view = new ServerView { FirstSeen = local };
                }

                view.Deadline = local + (long)((lease.Expiry - now) / 1000.0 * _time.TimestampFrequency);
                view.Circuits = lease.Circuits;
                if (view.Lapsed)
                {
                    view.Lapsed = false;
                    changed.Add(lease.Server);
                }
            }

            foreach (var (server, view) in _servers)
            {
                if (!current.Contains(server) && !view.Lapsed && view.FirstSeen < readStarted)
                {
                    Lapse(server, view, local);
                    changed.Add(server);
                }
            }

            Volatile.Write(ref _remoteCount, count);
            Revisit(changed, Purge(local), outcome);
        }

        Raise(outcome);
        return outcome;
    }

    /// <summary>Hides the servers whose lease ended (by this server's clock) without a heartbeat renewing it: they died, or this server lost Redis.</summary>
    public Outcome ExpireLapsed()
    {
        var outcome = new Outcome();
        var local = _time.GetTimestamp();
        lock (_lock)
        {
            var changed = new HashSet<string>(StringComparer.Ordinal);
            var count = 0;
            foreach (var (server, view) in _servers)
            {
                if (!view.Lapsed && view.Deadline < local)
                {
                    Lapse(server, view, local);
                    changed.Add(server);
                }

                if (!view.Lapsed)
                {
                    count += view.Circuits;
                }
            }

            Volatile.Write(ref _remoteCount, count);
            Revisit(changed, Purge(local), outcome);
        }

        Raise(outcome);
        return outcome;
    }

    private void Lapse(string server, ServerView view, long local)
    {
        view.Lapsed = true;
        view.LapsedAt = local;
        var circuits = _circuits.Values.Count(c => c.Server == server && c.Refs > 0);
        Log.ServerExpired(_logger, Redaction.Bounded(server), circuits, _options.PresenceTimeout);
    }

    // Servers lapsed for a presence timeout more are gone for good: their entries go (if one comes back, it writes all
    // again). Returns the topics that lost entries.
    private HashSet<LiveTopic>? Purge(long local)
    {
        var limit = (long)(_options.PresenceTimeout.TotalSeconds * _time.TimestampFrequency);
        List<string>? purged = null;
        foreach (var (server, view) in _servers)
        {
            if (view.Lapsed && local - view.LapsedAt > limit)
            {
                (purged ??= []).Add(server);
            }
        }

        HashSet<LiveTopic>? topics = null;
        foreach (var server in purged ?? [])
        {
            _servers.Remove(server);
            foreach (var (topic, state) in _topics)
            {
                state.Sequences.Remove(server);
                var before = state.Entries.Count;
                Forget(state, server, touched: null);
                if (state.Entries.Count != before)
                {
                    (topics ??= []).Add(topic);
                }
            }
        }

        return topics;
    }

    // Under the lock: the topics with circuits of servers that lapsed or came back, and those that lost entries, are
    // shown again, and the circuits concerned reported.
    private void Revisit(HashSet<string> servers, HashSet<LiveTopic>? purged, Outcome outcome)
    {
        if (servers.Count == 0 && purged is null)
        {
            return;
        }

        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (circuitId, known) in _circuits)
        {
            if (servers.Contains(known.Server) || (known.Refs <= 0 && known.Shown is not null))
            {
                touched.Add(circuitId);
            }
        }

        foreach (var (topic, state) in _topics)
        {
            if ((purged?.Contains(topic) ?? false) || state.Entries.Values.Any(e => servers.Contains(e.Server)))
            {
                Refresh(topic, state, outcome);
            }
        }

        Touch(touched, outcome);
    }

    private void See(string server)
    {
        if (!_servers.ContainsKey(server))
        {
            // Not in the last heartbeat's read: it started since. It wrote just now, so it lives (a lease follows).
            var now = _time.GetTimestamp();
            _servers[server] = new ServerView
            {
                FirstSeen = now,
                Deadline = now + (long)(_options.PresenceTimeout.TotalSeconds * _time.TimestampFrequency),
            };
        }
    }

    private bool Live(string server) => !_servers.TryGetValue(server, out var view) || !view.Lapsed;

    private void Put(TopicPresence state, string circuitId, RemoteEntry entry)
    {
        if (state.Entries.TryGetValue(circuitId, out var previous))
        {
            state.Entries[circuitId] = entry;
            if (previous.Server != entry.Server)
            {
                Release(circuitId);
                Hold(circuitId, entry);
            }
            else
            {
                _circuits[circuitId].Info = entry.Info;
            }

            return;
        }

        state.Entries[circuitId] = entry;
        Hold(circuitId, entry);
    }

    private void Hold(string circuitId, RemoteEntry entry)
    {
        if (_circuits.TryGetValue(circuitId, out var known))
        {
            known.Refs++;
            known.Info = entry.Info;
            known.Server = entry.Server;
        }
        else
        {
            _circuits[circuitId] = new KnownCircuit { Info = entry.Info, Server = entry.Server, Refs = 1 };
        }
    }

    private void Release(string circuitId)
    {
        if (_circuits.TryGetValue(circuitId, out var known) && --known.Refs <= 0 && known.Shown is null)
        {
            _circuits.Remove(circuitId);
        }
    }

    private void Forget(TopicPresence state, string server, HashSet<string>? touched)
    {
        List<string>? gone = null;
        foreach (var (circuitId, entry) in state.Entries)
        {
            if (entry.Server == server)
            {
                (gone ??= []).Add(circuitId);
            }
        }

        foreach (var circuitId in gone ?? [])
        {
            state.Entries.Remove(circuitId);
            Release(circuitId);
            touched?.Add(circuitId);
        }
    }

    // Under the lock: the topic's answer array, of the circuits of live servers.
    private void Refresh(LiveTopic topic, TopicPresence state, Outcome outcome)
    {
        var visible = new List<LiveCircuitInfo>(state.Entries.Count);
        foreach (var entry in state.Entries.Values)
        {
            if (Live(entry.Server))
            {
                visible.Add(entry.Info);
            }
        }

        var before = state.Visible;
        state.Visible = visible.Count == 0 ? [] : [.. visible];
        if (topic.Kind == LiveTopicKind.Group && !SameCircuits(before, state.Visible))
        {
            outcome.Group(topic.Id);
        }
    }

    private static bool SameCircuits(LiveCircuitInfo[] before, LiveCircuitInfo[] after)
    {
        if (before.Length != after.Length)
        {
            return false;
        }

        for (var i = 0; i < before.Length; i++)
        {
            if (!ReferenceEquals(before[i], after[i]))
            {
                return false;
            }
        }

        return true;
    }

    // Under the lock: what each touched circuit looks like from here now, reported as a change against before.
    private void Touch(HashSet<string> circuitIds, Outcome outcome)
    {
        foreach (var circuitId in circuitIds)
        {
            if (!_circuits.TryGetValue(circuitId, out var known))
            {
                continue;
            }

            var now = known.Refs > 0 && Live(known.Server) ? known.Info : null;
            var before = known.Shown;
            known.Shown = now;
            if (known.Refs <= 0 && now is null)
            {
                _circuits.Remove(circuitId);
            }

            if (ReferenceEquals(before, now))
            {
                continue;
            }

            LiveCircuitChangedEventArgs change;
            if (before is null)
            {
                change = new(LiveCircuitChangeKind.Opened, now!);
            }
            else if (now is null)
            {
                change = new(LiveCircuitChangeKind.Closed, before);
            }
            else if (before.Identity != now.Identity)
            {
                change = new(LiveCircuitChangeKind.Moved, now, before.Identity);
            }
            else if (before.IsConnected != now.IsConnected)
            {
                change = new(now.IsConnected ? LiveCircuitChangeKind.Reconnected : LiveCircuitChangeKind.Disconnected, now);
            }
            else
            {
                continue;
            }

            outcome.Events.Add(change);
        }
    }

    private void Raise(Outcome outcome)
    {
        if (outcome.Events.Count > 0)
        {
            try
            {
                Changed?.Invoke(outcome.Events);
            }
            catch (Exception ex)
            {
                Log.PresenceHandlerFailed(_logger, outcome.Events[0].Kind, ex);
            }
        }

        if (outcome.Groups.Count > 0)
        {
            try
            {
                GroupsChanged?.Invoke(outcome.Groups);
            }
            catch (Exception ex)
            {
                Log.PresenceHandlerFailed(_logger, LiveCircuitChangeKind.Opened, ex);
            }
        }
    }

    private void Unreadable(string what, string problem)
    {
        if (_unreadable.TryEnter(out var suppressed))
        {
            Log.PresenceEntryUnreadable(_logger, what, problem, suppressed);
        }
    }

    /// <summary>A presence message that could not be used as a whole (garbled, another version): logged like an unreadable entry.</summary>
    public void UnreadableMessage(string server, string problem) => Unreadable(Redaction.Bounded(server), problem);

    /// <summary>What a change of presence means here.</summary>
    internal sealed class Outcome
    {
        private HashSet<string>? _groups;

        /// <summary>The topic must be read again (a message was missed).</summary>
        public bool Reload { get; set; }

        public List<LiveCircuitChangedEventArgs> Events { get; } = [];

        /// <summary>Groups whose presence changed here: their presence readers re-render.</summary>
        public IReadOnlyCollection<string> Groups => (IReadOnlyCollection<string>?)_groups ?? [];

        public void Group(string groupId) => (_groups ??= new HashSet<string>(StringComparer.Ordinal)).Add(groupId);
    }

    private sealed class TopicPresence
    {
        public Dictionary<string, RemoteEntry> Entries { get; } = new(StringComparer.Ordinal);

        /// <summary>Per other server, the sequence number of its last write applied here.</summary>
        public Dictionary<string, long> Sequences { get; } = new(StringComparer.Ordinal);

        public LiveCircuitInfo[] Visible { get; set; } = [];

        public bool Loaded { get; set; }
    }

    private sealed record RemoteEntry(string Server, LiveCircuitInfo Info);

    private sealed class KnownCircuit
    {
        public required LiveCircuitInfo Info { get; set; }

        public required string Server { get; set; }

        public int Refs { get; set; }

        /// <summary>As this server's answers show it now; null when hidden (its server lapsed) or gone.</summary>
        public LiveCircuitInfo? Shown { get; set; }
    }

    private sealed class ServerView
    {
        public long FirstSeen { get; init; }

        public long Deadline { get; set; }

        public int Circuits { get; set; }

        public bool Lapsed { get; set; }

        public long LapsedAt { get; set; }
    }
}

/// <summary>One server's lease, as the <c>alive</c> hash holds it: until when (Redis time, ms) it counts as alive, and its circuits.</summary>
internal readonly record struct Lease(string Server, long Expiry, int Circuits);
