using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// This server's copy of the other servers' circuits, kept current from their presence messages and hashes, and
/// indexed by circuit, group and user like the core's registry, so presence queries stay synchronous and
/// allocation-free. A server that has not been heard from for <see cref="RedisLiveStateOptions.PresenceTimeout"/>
/// is dropped with its circuits.
/// </summary>
/// <remarks>
/// One writer at a time (the message loop, the resync after an outage, the expiry check) holds the gate; readers
/// never lock: index buckets are replaced, never changed in place.
/// </remarks>
internal sealed class RemotePresence
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ServerState> _servers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveCircuitInfo> _byCircuit = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveCircuitInfo[]> _byGroup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveCircuitInfo[]> _byUser = new(StringComparer.Ordinal);
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly RedisLiveStateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LogLimiter _unreadable;

    public RemotePresence(RedisConnection connection, RedisNames names, ServerIdentity self, IOptions<RedisLiveStateOptions> options, TimeProvider time, ILogger<RemotePresence> logger)
    {
        _connection = connection;
        _names = names;
        _self = self;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _unreadable = new LogLimiter(time, SupervisedLoop.RepeatLogInterval);
    }

    /// <summary>Raised after a remote circuit opens, changes or closes, with the gate held: handlers must be quick.</summary>
    public event Action<LiveCircuitChangedEventArgs>? Changed;

    public int Count => _byCircuit.Count;

    /// <summary>The number of other servers heard from.</summary>
    public int ServerCount
    {
        get
        {
            lock (_servers)
            {
                return _servers.Count;
            }
        }
    }

    public LiveCircuitInfo? Find(string circuitId) => _byCircuit.GetValueOrDefault(circuitId);

    /// <summary>Never mutate the array.</summary>
    public LiveCircuitInfo[] CircuitsOfGroup(string groupId) => _byGroup.TryGetValue(groupId, out var circuits) ? circuits : [];

    /// <summary>Never mutate the array.</summary>
    public LiveCircuitInfo[] CircuitsOfUser(string userId) => _byUser.TryGetValue(userId, out var circuits) ? circuits : [];

    public IEnumerable<string> Groups => _byGroup.Keys;

    public IEnumerable<string> Users => _byUser.Keys;

    public IEnumerable<LiveCircuitInfo> All => _byCircuit.Values;

    /// <summary>
    /// Applies a presence message of another server. Returns the groups whose presence changed (their presence readers
    /// here re-render), or null.
    /// </summary>
    public async Task<HashSet<string>?> ApplyAsync(BackplaneMessage message, CancellationToken cancellationToken = default)
    {
        HashSet<string>? affected = null;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var known = _servers.GetValueOrDefault(message.Server);
            switch (message.Kind)
            {
                case MessageKind.Presence when known is not null && message.Sequence == known.Sequence + 1 && AllReadable(message):
                    known.Sequence = message.Sequence;
                    known.LastSeen = Now;
                    affected = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var entry in message.Changes ?? [])
                    {
                        Apply(known, entry, affected);
                    }

                    break;
                case MessageKind.Heartbeat when known is not null && message.Sequence == known.Sequence:
                    known.LastSeen = Now;
                    break;
                case MessageKind.Leave:
                    if (known is not null)
                    {
                        Drop(message.Server, known, affected = new HashSet<string>(StringComparer.Ordinal));
                    }

                    break;
                case MessageKind.Presence or MessageKind.Heartbeat or MessageKind.Snapshot:
                    // New server, a snapshot, a gap in its numbering (a message was missed), or a change this server
                    // cannot read (another version wrote it): read its hash, where unreadable entries are skipped. The
                    // groups whose presence changed re-render their presence readers here (a new server's circuits too).
                    await ResyncServerAsync(message.Server, affected = new HashSet<string>(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }

        return affected is { Count: > 0 } ? affected : null;
    }

    /// <summary>Reads every server's presence hash again (at start, and after this server lost Redis).</summary>
    public async Task ResyncAllAsync(CancellationToken cancellationToken = default)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in await database.SetMembersAsync(_names.Servers).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                var serverId = (string)member!;
                if (serverId == _self.Id)
                {
                    continue;
                }

                if (await ResyncServerAsync(serverId, affected: null, cancellationToken).ConfigureAwait(false))
                {
                    found.Add(serverId);
                }
                else
                {
                    // Its hash expired: it died without a farewell. Prune it, so the set stays as small as the cluster.
                    await database.SetRemoveAsync(_names.Servers, serverId).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var serverId in _servers.Keys.ToArray())
            {
                if (!found.Contains(serverId))
                {
                    Drop(serverId, _servers[serverId], affected: null);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the servers not heard from within the presence timeout; returns the groups they had circuits in.</summary>
    public async Task<HashSet<string>> ExpireAsync(CancellationToken cancellationToken = default)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deadline = Now - _options.PresenceTimeout;
            foreach (var (serverId, state) in _servers.ToArray())
            {
                if (state.LastSeen < deadline)
                {
                    Log.ServerExpired(_logger, serverId, state.Circuits.Count, _options.PresenceTimeout);
                    Drop(serverId, state, affected);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        return affected;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Reads one server's presence hash; returns false when it has none (it left or died).</summary>
    private async Task<bool> ResyncServerAsync(string serverId, HashSet<string>? affected, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var fields = await database.HashGetAllAsync(_names.Presence(serverId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        var state = _servers.GetValueOrDefault(serverId);
        if (fields.Length == 0)
        {
            // Gone (it left, or its hash expired).
            if (state is not null)
            {
                Drop(serverId, state, affected);
            }

            return false;
        }

        if (state is null)
        {
            state = new ServerState();
            lock (_servers)
            {
                _servers[serverId] = state;
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name == PresenceWriter.SequenceField)
            {
                // Unreadable: 0, so the next change looks like a gap and brings this server back here.
                state.Sequence = field.Value.TryParse(out long sequence) ? sequence : 0;
                continue;
            }

            if (PresenceEntry.TryParse(field.Value, out var entry, out var problem))
            {
                seen.Add(entry.CircuitId);
                Apply(state, entry, affected);
            }
            else
            {
                Unreadable(serverId, problem);
            }
        }

        foreach (var circuitId in state.Circuits.Keys.ToArray())
        {
            if (!seen.Contains(circuitId))
            {
                Apply(state, PresenceEntry.Removal(circuitId), affected);
            }
        }

        state.LastSeen = Now;
        return true;
    }

    private bool AllReadable(BackplaneMessage message)
    {
        foreach (var entry in message.Changes ?? [])
        {
            if (!entry.IsValid(out var problem))
            {
                Unreadable(message.Server, problem);
                return false;
            }
        }

        return true;
    }

    private void Unreadable(string serverId, string problem)
    {
        if (_unreadable.TryEnter(out var suppressed))
        {
            // The server id came from Redis too: bounded, never a whole unbounded value in a log line.
            Log.PresenceEntryUnreadable(_logger, serverId.Length > 64 ? string.Concat(serverId.AsSpan(0, 64), "…") : serverId, problem, suppressed);
        }
    }

    private void Apply(ServerState state, PresenceEntry entry, HashSet<string>? affected)
    {
        var previous = state.Circuits.GetValueOrDefault(entry.CircuitId);
        if (entry.IsRemoval)
        {
            if (previous is null)
            {
                return;
            }

            state.Circuits.Remove(entry.CircuitId);
            Unindex(previous);
            Touch(affected, previous.Identity);
            Raise(new LiveCircuitChangedEventArgs(LiveCircuitChangeKind.Closed, previous));
            return;
        }

        var circuit = entry.ToInfo();
        if (previous is null)
        {
            state.Circuits[circuit.CircuitId] = circuit;
            Index(circuit);
            Touch(affected, circuit.Identity);
            Raise(new LiveCircuitChangedEventArgs(LiveCircuitChangeKind.Opened, circuit));
            return;
        }

        if (previous.Identity == circuit.Identity && previous.IsConnected == circuit.IsConnected)
        {
            return;
        }

        state.Circuits[circuit.CircuitId] = circuit;
        Unindex(previous);
        Index(circuit);
        Touch(affected, previous.Identity);
        Touch(affected, circuit.Identity);
        Raise(previous.Identity != circuit.Identity
            ? new LiveCircuitChangedEventArgs(LiveCircuitChangeKind.Moved, circuit, previous.Identity)
            : new LiveCircuitChangedEventArgs(circuit.IsConnected ? LiveCircuitChangeKind.Reconnected : LiveCircuitChangeKind.Disconnected, circuit));
    }

    private void Drop(string serverId, ServerState state, HashSet<string>? affected)
    {
        foreach (var circuitId in state.Circuits.Keys.ToArray())
        {
            Apply(state, PresenceEntry.Removal(circuitId), affected);
        }

        lock (_servers)
        {
            _servers.Remove(serverId);
        }
    }

    private static void Touch(HashSet<string>? affected, LiveIdentity identity)
    {
        if (affected is null)
        {
            return;
        }

        affected.Add(identity.GroupId);
        affected.UnionWith(identity.Memberships);
    }

    private void Index(LiveCircuitInfo circuit)
    {
        _byCircuit[circuit.CircuitId] = circuit;
        Add(_byGroup, circuit.GroupId, circuit);
        foreach (var membership in circuit.Identity.Memberships)
        {
            Add(_byGroup, membership, circuit);
        }

        if (circuit.UserId is { } userId)
        {
            Add(_byUser, userId, circuit);
        }
    }

    private void Unindex(LiveCircuitInfo circuit)
    {
        _byCircuit.TryRemove(new KeyValuePair<string, LiveCircuitInfo>(circuit.CircuitId, circuit));
        Remove(_byGroup, circuit.GroupId, circuit.CircuitId);
        foreach (var membership in circuit.Identity.Memberships)
        {
            Remove(_byGroup, membership, circuit.CircuitId);
        }

        if (circuit.UserId is { } userId)
        {
            Remove(_byUser, userId, circuit.CircuitId);
        }
    }

    // Writers hold the gate, so read-copy-replace is safe; readers see the old array or the new one.
    private static void Add(ConcurrentDictionary<string, LiveCircuitInfo[]> index, string key, LiveCircuitInfo circuit) =>
        index[key] = index.TryGetValue(key, out var circuits) ? [.. circuits, circuit] : [circuit];

    private static void Remove(ConcurrentDictionary<string, LiveCircuitInfo[]> index, string key, string circuitId)
    {
        if (!index.TryGetValue(key, out var circuits))
        {
            return;
        }

        var at = Array.FindIndex(circuits, c => c.CircuitId == circuitId);
        if (at < 0)
        {
            return;
        }

        if (circuits.Length == 1)
        {
            index.TryRemove(key, out _);
            return;
        }

        var next = new LiveCircuitInfo[circuits.Length - 1];
        Array.Copy(circuits, 0, next, 0, at);
        Array.Copy(circuits, at + 1, next, at, circuits.Length - at - 1);
        index[key] = next;
    }

    private void Raise(LiveCircuitChangedEventArgs change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception ex)
        {
            Log.PresenceHandlerFailed(_logger, change.Kind, ex);
        }
    }

    private sealed class ServerState
    {
        public long Sequence { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public Dictionary<string, LiveCircuitInfo> Circuits { get; } = new(StringComparer.Ordinal);
    }
}
