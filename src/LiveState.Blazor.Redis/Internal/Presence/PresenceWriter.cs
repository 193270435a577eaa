using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Publishes this server's circuits. Each circuit is a field of the presence hashes of its groups and user
/// (<c>{prefix}pg:</c>, <c>{prefix}pu:</c>) and of this server's own hash (<c>{prefix}ps:</c>, what a reaper removes if
/// this server dies); each write of a topic's hash publishes the change on the topic's channel, numbered, in the same
/// script. A heartbeat renews this server's lease in <c>{prefix}alive</c> (with its circuit count) and reads every
/// server's, which tells presence which servers lapsed and the reaper whom to remove.
/// </summary>
/// <remarks>
/// One loop does every write, in order: changes (batched), heartbeats, snapshots (at start, after an outage, when this
/// server finds its lease lapsed or its hash gone) and the farewell. Writes to this server's own hash come first for a
/// circuit that opens and last for one that closes, so that it always holds every circuit the topic hashes hold of this
/// server. A write that fails marks presence stale (the next write is a snapshot) and the loop failing: it is logged,
/// reported by the health check, and retried after a backoff no longer than the heartbeat interval.
/// </remarks>
internal sealed class PresenceWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;

    // Scripts per pipelined round: enough to keep the connection busy, few enough to stay far below any timeout.
    private const int PipelineDepth = 512;

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, PresenceEntry> _mine = new(StringComparer.Ordinal);
    private readonly Dictionary<LiveTopic, OwnTopic> _topics = [];
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly PubSubMode _mode;
    private readonly HostAccess _host;
    private readonly HostedPresence _presence;
    private readonly RedisLiveStateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _supervisor;
    private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _sequence;
    private bool _stale = true;
    private int _pending;
    private long _renewedAt;
    private long _againAt;
    private volatile bool _running;

    public PresenceWriter(RedisConnection connection, RedisNames names, ServerIdentity self, PubSubMode mode, HostAccess host, HostedPresence presence, IOptions<RedisLiveStateOptions> options, BackendLoops loops, TimeProvider time, ILogger<PresenceWriter> logger)
    {
        _connection = connection;
        _names = names;
        _self = self;
        _mode = mode;
        _host = host;
        _presence = presence;
        _options = options.Value;
        _time = time;
        _logger = logger;

        // A failing write is retried at the next piece of work (a heartbeat at the latest), after a backoff within the
        // heartbeat interval: the others must hear from this server before its lease runs out.
        _supervisor = loops.Add("presence writer", logger, TimeSpan.FromMilliseconds(50), () => _options.PresenceHeartbeatInterval);
    }

    /// <summary>Raised with the servers whose lease has ended, as a heartbeat found them: the reaper removes their presence.</summary>
    public event Action<IReadOnlyList<string>>? Lapsed;

    /// <summary>Completes once the first snapshot was tried (written, or failed and to be retried).</summary>
    public Task FirstWrite => _firstWrite.Task;

    /// <summary>Whether the last write failed (and none succeeded since).</summary>
    public bool IsFailing => _supervisor.IsFailing;

    /// <summary>How long the presence keys of a topic live without a write: they outlive any lease, and a renewal comes round well before.</summary>
    public TimeSpan KeyLifetime => PresenceKeys.Lifetime(_options);

    private long LeaseMilliseconds => (long)Math.Ceiling(_options.PresenceTimeout.TotalMilliseconds);

    private long LifetimeMilliseconds => (long)Math.Ceiling(KeyLifetime.TotalMilliseconds);

    /// <summary>Starts publishing: a snapshot now, then every change as it happens.</summary>
    public void Start()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _renewedAt = _time.GetTimestamp();
        _work.Writer.TryWrite(Work.Snapshot);
        _loop = _supervisor.RunAsync(RunAsync, _stopping.Token);
    }

    /// <summary>A local circuit changed. Quick; never throws.</summary>
    public void Post(LiveCircuitChangedEventArgs change)
    {
        var entry = change.Kind == LiveCircuitChangeKind.Closed ? PresenceEntry.Removal(change.Circuit.CircuitId) : PresenceEntry.From(_self.Id, change.Circuit);
        Interlocked.Increment(ref _pending);
        if (!_work.Writer.TryWrite(Work.Change(entry)))
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    public void Heartbeat() => Post(Work.Heartbeat);

    /// <summary>Rewrites everything (after an outage, the hashes may be gone or behind).</summary>
    public void RequestSnapshot() => Post(Work.Snapshot);

    /// <summary>Completes once every change made so far is published, so that a broadcast sent next is counted with it.</summary>
    public Task FlushAsync()
    {
        // A failing loop will write a snapshot once Redis lets it: nothing to wait for now.
        if (!_running || Volatile.Read(ref _pending) == 0 || _supervisor.IsFailing)
        {
            return Task.CompletedTask;
        }

        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _work.Writer.TryWrite(Work.Flush(flushed)) ? flushed.Task : Task.CompletedTask;
    }

    private void Post(Work work)
    {
        if (_running)
        {
            _work.Writer.TryWrite(work);
        }
    }

    /// <summary>Stops publishing and takes this server's circuits out of presence, telling the servers that host them.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        _work.Writer.TryComplete();
        if (_loop is not null)
        {
            // The supervised loop never faults; a stop that is cancelled goes on to the farewell at once.
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var multiplexer = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
            var sharded = _mode.Require(multiplexer);
            var database = multiplexer.GetDatabase();

            // What Redis holds of this server, with what this server believes it wrote.
            var mine = await ReadOwnAsync(database).ConfigureAwait(false);
            foreach (var (id, entry) in _mine)
            {
                mine[id] = entry;
            }

            await PresenceKeys.RemoveServerAsync(database, _names, _self.Id, _self.Id, mine.Values, sharded, LifetimeMilliseconds)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            await database.HashDeleteAsync(_names.Alive, _self.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever failed, a stop never throws: the others drop this server when its lease ends.
            Log.FarewellFailed(_logger, RedisFailures.Describe(RedisFailures.Scrub(ex)));
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _work.Reader;
        var changes = new List<PresenceEntry>();
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var heartbeat = false;
                while (changes.Count < MaxBatch && reader.TryRead(out var work))
                {
                    switch (work.Kind)
                    {
                        case WorkKind.Change:
                            changes.Add(work.Entry!);
                            break;
                        case WorkKind.Heartbeat:
                            heartbeat = true;
                            break;
                        case WorkKind.Snapshot:
                            _stale = true;
                            break;
                        case WorkKind.Flush:
                            flushes.Add(work.Flushed!);
                            break;
                    }
                }

                try
                {
                    await WriteAsync(changes, heartbeat).ConfigureAwait(false);
                    _supervisor.Succeeded();
                }
                finally
                {
                    _firstWrite.TrySetResult();

                    // Written, or covered by the snapshot that follows a failure.
                    Interlocked.Add(ref _pending, -changes.Count);
                    changes.Clear();
                    foreach (var flushed in flushes)
                    {
                        flushed.TrySetResult();
                    }

                    flushes.Clear();
                }
            }
        }
        finally
        {
            // Stopping, or failed (the supervisor backs off before the next run): no flush waits meanwhile, and the queued
            // changes are covered by the snapshot that a failure makes the next write.
            if (!_running || cancellationToken.IsCancellationRequested || _stale)
            {
                while (reader.TryRead(out var work))
                {
                    if (work.Kind == WorkKind.Change)
                    {
                        Interlocked.Decrement(ref _pending);
                    }

                    work.Flushed?.TrySetResult();
                }
            }
        }
    }

    private async Task WriteAsync(List<PresenceEntry> changes, bool heartbeat)
    {
        try
        {
            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            var sharded = _mode.Require(multiplexer);
            var database = multiplexer.GetDatabase();
            if (_againAt != 0 && _time.GetTimestamp() >= _againAt)
            {
                _againAt = 0;
                _stale = true;
            }

            if (!_stale && changes.Count > 0)
            {
                await WriteChangesAsync(database, changes, sharded).ConfigureAwait(false);
            }

            if (!_stale && heartbeat)
            {
                await BeatAsync(database).ConfigureAwait(false);
            }

            if (_stale)
            {
                await WriteSnapshotAsync(database, sharded).ConfigureAwait(false);
                _stale = false;
            }

            if (_time.GetElapsedTime(_renewedAt) >= KeyLifetime / 4)
            {
                await RenewAsync(database).ConfigureAwait(false);
            }
        }
        catch
        {
            // What failed may or may not have landed: write everything once Redis answers again. The supervisor logs the
            // error, reports it and backs off.
            _stale = true;
            throw;
        }
    }

    private async Task WriteChangesAsync(IDatabase database, List<PresenceEntry> changes, bool sharded)
    {
        var byTopic = new Dictionary<LiveTopic, Dictionary<string, PresenceEntry>>();
        var opened = new List<PresenceEntry>();
        var closed = new List<string>();
        foreach (var entry in changes)
        {
            var previous = _mine.GetValueOrDefault(entry.CircuitId);
            if (!entry.IsRemoval && entry.SameAs(previous))
            {
                continue;
            }

            var before = previous?.Topics().ToHashSet() ?? [];
            var after = entry.IsRemoval ? [] : entry.Topics().ToHashSet();
            foreach (var topic in before)
            {
                if (!after.Contains(topic))
                {
                    For(byTopic, topic)[entry.CircuitId] = PresenceEntry.Removal(entry.CircuitId);
                    Count(topic, -1);
                }
            }

            foreach (var topic in after)
            {
                For(byTopic, topic)[entry.CircuitId] = entry;
                if (!before.Contains(topic))
                {
                    Count(topic, +1);
                }
            }

            if (entry.IsRemoval)
            {
                if (_mine.Remove(entry.CircuitId))
                {
                    closed.Add(entry.CircuitId);
                }
            }
            else
            {
                _mine[entry.CircuitId] = entry;
                opened.Add(entry);
            }
        }

        // Own hash first for what opened, last for what closed: it always holds whatever the topic hashes hold of this server.
        if (opened.Count > 0)
        {
            await WriteServerAsync(database, opened, []).ConfigureAwait(false);
        }

        await WriteTopicsAsync(database, byTopic, WireKind.PresenceDelta, sharded).ConfigureAwait(false);
        if (closed.Count > 0)
        {
            await WriteServerAsync(database, [], closed).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, PresenceEntry> For(Dictionary<LiveTopic, Dictionary<string, PresenceEntry>> byTopic, LiveTopic topic)
    {
        if (!byTopic.TryGetValue(topic, out var entries))
        {
            byTopic[topic] = entries = new Dictionary<string, PresenceEntry>(StringComparer.Ordinal);
        }

        return entries;
    }

    private void Count(LiveTopic topic, int delta)
    {
        if (!_topics.TryGetValue(topic, out var own))
        {
            _topics[topic] = own = new OwnTopic();
        }

        own.Circuits += delta;
    }

    /// <summary>One script per topic, pipelined: the hash written and the change (or snapshot) published.</summary>
    private async Task WriteTopicsAsync(IDatabase database, Dictionary<LiveTopic, Dictionary<string, PresenceEntry>> byTopic, WireKind kind, bool sharded)
    {
        var publish = PubSubMode.PublishCommand(sharded);
        var pending = new List<Task>(Math.Min(byTopic.Count, PipelineDepth));
        foreach (var (topic, entries) in byTopic)
        {
            var own = _topics.GetValueOrDefault(topic) ?? new OwnTopic();
            var last = own.Circuits <= 0;
            var sequence = ++_sequence;
            var message = new WireMessage
            {
                Server = _self.Id,
                Kind = kind,
                Topic = topic,
                Sequence = sequence,
                Previous = own.Sequence,
                Last = last,
                Entries = kind == WireKind.PresenceSnapshot ? [.. entries.Values.Where(e => !e.IsRemoval)] : [.. entries.Values],
            };

            var arguments = new RedisValue[6 + (2 * entries.Count)];
            arguments[0] = publish;
            arguments[1] = _names.TopicChannel(topic);
            arguments[2] = message.ToUtf8();
            arguments[3] = LifetimeMilliseconds;
            arguments[4] = PresenceScripts.SequenceFieldPrefix + _self.Id;
            arguments[5] = last ? RedisValue.EmptyString : sequence;
            var i = 6;
            foreach (var (circuitId, entry) in entries)
            {
                arguments[i++] = circuitId;
                arguments[i++] = entry.IsRemoval ? RedisValue.EmptyString : (RedisValue)entry.ToUtf8();
            }

            pending.Add(database.ScriptEvaluateAsync(PresenceScripts.WriteTopic, [_names.Presence(topic)], arguments));
            if (last)
            {
                _topics.Remove(topic);
            }
            else
            {
                own.Sequence = sequence;
                _topics[topic] = own;
            }

            if (pending.Count >= PipelineDepth)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task WriteServerAsync(IDatabase database, IReadOnlyCollection<PresenceEntry> upserts, IReadOnlyCollection<string> removals)
    {
        foreach (var chunk in upserts.Select(e => (e.CircuitId, Value: (RedisValue)e.ToUtf8()))
            .Concat(removals.Select(id => (CircuitId: id, Value: RedisValue.EmptyString)))
            .Chunk(1_000))
        {
            var arguments = new RedisValue[1 + (2 * chunk.Length)];
            arguments[0] = LifetimeMilliseconds;
            for (var i = 0; i < chunk.Length; i++)
            {
                arguments[1 + (2 * i)] = chunk[i].CircuitId;
                arguments[2 + (2 * i)] = chunk[i].Value;
            }

            await database.ScriptEvaluateAsync(PresenceScripts.WriteServer, [_names.ServerPresence(_self.Id)], arguments).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes all of this server's presence again: its lease, its own hash, and in every topic it had or has circuits in,
    /// the circuits it has there now (those it no longer has removed), published as a snapshot that replaces what the
    /// hosting servers knew of it there.
    /// </summary>
    private async Task WriteSnapshotAsync(IDatabase database, bool sharded)
    {
        var current = new Dictionary<string, PresenceEntry>(StringComparer.Ordinal);
        foreach (var circuit in _host.Current?.LocalCircuits.GetAll() ?? [])
        {
            current[circuit.CircuitId] = PresenceEntry.From(_self.Id, circuit);
        }

        await LeaseAsync(database, current.Count, check: false).ConfigureAwait(false);
        var previous = await ReadOwnAsync(database).ConfigureAwait(false);
        foreach (var (id, entry) in _mine)
        {
            previous.TryAdd(id, entry);
        }

        var byTopic = new Dictionary<LiveTopic, Dictionary<string, PresenceEntry>>();
        foreach (var topic in _topics.Keys)
        {
            For(byTopic, topic);
        }

        foreach (var entry in previous.Values)
        {
            foreach (var topic in entry.Topics())
            {
                For(byTopic, topic)[entry.CircuitId] = PresenceEntry.Removal(entry.CircuitId);
            }
        }

        _topics.Clear();
        foreach (var entry in current.Values)
        {
            foreach (var topic in entry.Topics())
            {
                For(byTopic, topic)[entry.CircuitId] = entry;
                Count(topic, +1);
            }
        }

        await WriteServerAsync(database, current.Values, []).ConfigureAwait(false);
        await WriteTopicsAsync(database, byTopic, WireKind.PresenceSnapshot, sharded).ConfigureAwait(false);
        await WriteServerAsync(database, [], [.. previous.Keys.Where(id => !current.ContainsKey(id))]).ConfigureAwait(false);

        _mine.Clear();
        foreach (var (id, entry) in current)
        {
            _mine[id] = entry;
        }

        _renewedAt = _time.GetTimestamp();
    }

    /// <summary>This server's own hash as Redis holds it (the entries it wrote, that a reaper would remove).</summary>
    private async Task<Dictionary<string, PresenceEntry>> ReadOwnAsync(IDatabase database)
    {
        var own = new Dictionary<string, PresenceEntry>(StringComparer.Ordinal);
        foreach (var field in await database.HashGetAllAsync(_names.ServerPresence(_self.Id)).ConfigureAwait(false))
        {
            if (PresenceEntry.TryParse(field.Value, out var entry, out _) && entry.Server == _self.Id)
            {
                own[entry.CircuitId] = entry;
            }
        }

        return own;
    }

    private async Task BeatAsync(IDatabase database)
    {
        var renewed = database.KeyExpireAsync(_names.ServerPresence(_self.Id), KeyLifetime);
        var lapsed = await LeaseAsync(database, _mine.Count, check: true).ConfigureAwait(false);
        if (!await renewed.ConfigureAwait(false) && _mine.Count > 0)
        {
            // This server's own hash is gone (Redis lost it, or a reaper removed it): write everything again.
            _stale = true;
        }

        if (lapsed)
        {
            // This server's lease had ended (it was paused, or cut off from Redis, past the timeout): another server may be
            // removing its presence right now. Write everything again now, and once more when such a removal is surely over.
            Log.LeaseLapsed(_logger, _self.Id);
            _stale = true;
            _againAt = _time.GetTimestamp() + (long)(_options.PresenceTimeout.TotalSeconds * _time.TimestampFrequency);
        }
    }

    /// <summary>Renews this server's lease and reads everyone's; returns whether this server's own had ended before.</summary>
    private async Task<bool> LeaseAsync(IDatabase database, int circuits, bool check)
    {
        var started = _time.GetTimestamp();
        var result = await database.ScriptEvaluateAsync(PresenceScripts.Lease, [_names.Alive], [_self.Id, LeaseMilliseconds, circuits]).ConfigureAwait(false);
        var (now, previous, leases) = PresenceScripts.ReadLeases(result);
        _presence.UpdateLeases(now, leases, started);
        var ended = new List<string>();
        foreach (var lease in leases)
        {
            if (lease.Expiry <= now && lease.Server != _self.Id)
            {
                ended.Add(lease.Server);
            }
        }

        if (ended.Count > 0)
        {
            Lapsed?.Invoke(ended);
        }

        return check && (!PresenceScripts.TryParseLease(previous, out var expiry, out _) || expiry <= now);
    }

    /// <summary>Keeps the presence keys of this server's topics from expiring (their lifetime is long; a write renews one too).</summary>
    private async Task RenewAsync(IDatabase database)
    {
        var pending = new List<Task>();
        foreach (var topic in _topics.Keys)
        {
            pending.Add(database.KeyExpireAsync(_names.Presence(topic), KeyLifetime));
            if (pending.Count >= PipelineDepth)
            {
                await Task.WhenAll(pending).ConfigureAwait(false);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        _renewedAt = _time.GetTimestamp();
    }

    public async ValueTask DisposeAsync()
    {
        _running = false;
        _work.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private sealed class OwnTopic
    {
        /// <summary>The sequence number of this server's last write in the topic.</summary>
        public long Sequence { get; set; }

        public int Circuits { get; set; }
    }

    private enum WorkKind
    {
        Change,
        Heartbeat,
        Snapshot,
        Flush,
    }

    private readonly record struct Work(WorkKind Kind, PresenceEntry? Entry = null, TaskCompletionSource? Flushed = null)
    {
        public static Work Heartbeat => new(WorkKind.Heartbeat);

        public static Work Snapshot => new(WorkKind.Snapshot);

        public static Work Change(PresenceEntry entry) => new(WorkKind.Change, entry);

        public static Work Flush(TaskCompletionSource flushed) => new(WorkKind.Flush, Flushed: flushed);
    }
}
