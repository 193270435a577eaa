using System.Threading.Channels;
using LiveState.Blazor.Circuits;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Publishes this server's circuits to the other servers. They live in a hash, <c>{prefix}presence:{serverId}</c>,
/// that expires after <see cref="RedisLiveStateOptions.PresenceTimeout"/> unless the heartbeat renews it, so a dead
/// server's circuits vanish from Redis by themselves. Each change is written to the hash and published on the app's
/// channel in one script, numbered, so a receiver that misses one notices the gap and reads the hash again.
/// </summary>
/// <remarks>
/// One loop does every write, in order: changes (batched), heartbeats, full snapshots (at start, after an outage,
/// or when the hash expired), and the farewell. A write that fails, whatever the error, marks the hash stale (the
/// next write is a snapshot) and the loop failing: it is logged, reported by the health check, retried after a
/// backoff no longer than the heartbeat interval, and a flush never waits on a failing loop.
/// </remarks>
internal sealed class PresenceWriter : IAsyncDisposable
{
    private const int MaxBatch = 512;

    // KEYS[1]: this server's hash. ARGV: channel, message, expiry ms, sequence, mode ('s' snapshot, 'd' delta),
    // then circuit id / entry pairs ('' entry: the circuit closed). A delta to a hash that expired writes nothing
    // and answers 0: the caller then writes a snapshot.
    private const string WriteScript = """
        if ARGV[5] == 's' then
          redis.call('DEL', KEYS[1])
        elseif redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end
        for i = 6, #ARGV, 2 do
          if ARGV[i + 1] == '' then
            redis.call('HDEL', KEYS[1], ARGV[i])
          else
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          end
        end
        redis.call('HSET', KEYS[1], '#seq', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return 1
        """;

    private const string HeartbeatScript = """
        if redis.call('PEXPIRE', KEYS[1], ARGV[3]) == 0 then
          return 0
        end
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return 1
        """;

    private const string LeaveScript = """
        redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return 1
        """;

    /// <summary>The hash field that holds the sequence number the hash is at; circuit ids never start with '#'.</summary>
    internal const string SequenceField = "#seq";

    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly CircuitRegistry _local;
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _server;
    private readonly RedisLiveStateOptions _options;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _supervisor;
    private Task? _loop;
    private long _sequence;
    private bool _stale = true;
    private int _pending;
    private volatile bool _running;

    public PresenceWriter(CircuitRegistry local, RedisConnection connection, RedisNames names, ServerIdentity server, IOptions<RedisLiveStateOptions> options, BackendLoops loops, ILogger<PresenceWriter> logger)
    {
        _local = local;
        _connection = connection;
        _names = names;
        _server = server;
        _options = options.Value;
        _logger = logger;

        // A failing write is retried at the next piece of work (a heartbeat at the latest), after a backoff within
        // the heartbeat interval: the others must hear from this server before its presence times out.
        _supervisor = loops.Add("presence writer", logger, TimeSpan.FromMilliseconds(50), () => _options.PresenceHeartbeatInterval);
    }

    /// <summary>Whether the last write failed (and none succeeded since).</summary>
    public bool IsFailing => _supervisor.IsFailing;

    private long ExpiryMilliseconds => (long)Math.Ceiling(_options.PresenceTimeout.TotalMilliseconds);

    /// <summary>Starts publishing: a snapshot now, then every change as it happens.</summary>
    public void Start()
    {
        if (_running)
        {
            return;
        }

        _running = true;
        _local.Changed += OnLocalChanged;
        _work.Writer.TryWrite(Work.Snapshot);
        _loop = _supervisor.RunAsync(RunAsync, _stopping.Token);
    }

    public void Heartbeat() => Post(Work.Heartbeat);

    /// <summary>Rewrites the whole hash (after an outage, the hash may be gone or behind).</summary>
    public void RequestSnapshot() => Post(Work.Snapshot);

    /// <summary>Completes once every change made so far is published, so a broadcast sent next is counted with it.</summary>
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

    /// <summary>Stops publishing and tells the others this server's circuits are gone.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        if (!_running)
        {
            return;
        }

        _running = false;
        _local.Changed -= OnLocalChanged;
        _work.Writer.TryComplete();
        if (_loop is not null)
        {
            // The supervised loop never faults; a stop that is cancelled goes on to the farewell at once.
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            var message = new BackplaneMessage { Server = _server.Id, Kind = MessageKind.Leave }.ToUtf8();
            await database.ScriptEvaluateAsync(LeaveScript, [_names.Presence(_server.Id)], [_names.Events.ToString(), message])
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            await database.SetRemoveAsync(_names.Servers, _server.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever failed, a stop never throws: the others drop this server when its heartbeat stops.
            Log.FarewellFailed(_logger, RedisFailures.Describe(ex));
        }
    }

    private void Post(Work work)
    {
        if (_running)
        {
            _work.Writer.TryWrite(work);
        }
    }

    private void OnLocalChanged(object? sender, LiveCircuitChangedEventArgs change)
    {
        if (!_running)
        {
            return;
        }

        var entry = change.Kind == LiveCircuitChangeKind.Closed ? PresenceEntry.Removal(change.Circuit.CircuitId) : PresenceEntry.From(change.Circuit);
        Interlocked.Increment(ref _pending);
        if (!_work.Writer.TryWrite(Work.Change(entry)))
        {
            Interlocked.Decrement(ref _pending);
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
            // Stopping, or failed (the supervisor backs off before the next run): no flush waits meanwhile, and the
            // queued changes are covered by the snapshot that a failure makes the next write.
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
            var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            if (!_stale && changes.Count > 0 && !await WriteChangesAsync(database, changes, snapshot: false).ConfigureAwait(false))
            {
                _stale = true;
            }

            if (!_stale && heartbeat && !await BeatAsync(database).ConfigureAwait(false))
            {
                // The hash expired (this server was silent too long, or Redis lost it): publish everything again.
                _stale = true;
            }

            if (_stale)
            {
                var all = _local.GetAll();
                var entries = new List<PresenceEntry>(all.Count);
                foreach (var circuit in all)
                {
                    entries.Add(PresenceEntry.From(circuit));
                }

                await WriteChangesAsync(database, entries, snapshot: true).ConfigureAwait(false);

                // How servers that start or catch up find this one.
                await database.SetAddAsync(_names.Servers, _server.Id).ConfigureAwait(false);
                _stale = false;
            }
        }
        catch
        {
            // What failed may or may not have landed: write everything once Redis answers again. The supervisor
            // logs the error, reports it and backs off.
            _stale = true;
            throw;
        }
    }

    private async Task<bool> WriteChangesAsync(IDatabase database, List<PresenceEntry> entries, bool snapshot)
    {
        var sequence = ++_sequence;
        var message = new BackplaneMessage
        {
            Server = _server.Id,
            Kind = snapshot ? MessageKind.Snapshot : MessageKind.Presence,
            Sequence = sequence,
            Changes = snapshot ? null : [.. entries],
        };

        var arguments = new RedisValue[5 + (2 * entries.Count)];
        arguments[0] = _names.Events.ToString();
        arguments[1] = message.ToUtf8();
        arguments[2] = ExpiryMilliseconds;
        arguments[3] = sequence;
        arguments[4] = snapshot ? "s" : "d";
        for (var i = 0; i < entries.Count; i++)
        {
            arguments[5 + (2 * i)] = entries[i].CircuitId;
            arguments[6 + (2 * i)] = entries[i].IsRemoval ? RedisValue.EmptyString : (RedisValue)entries[i].ToUtf8();
        }

        var result = await database.ScriptEvaluateAsync(WriteScript, [_names.Presence(_server.Id)], arguments).ConfigureAwait(false);
        return (long)result == 1;
    }

    private async Task<bool> BeatAsync(IDatabase database)
    {
        var message = new BackplaneMessage { Server = _server.Id, Kind = MessageKind.Heartbeat, Sequence = _sequence }.ToUtf8();
        var result = await database.ScriptEvaluateAsync(HeartbeatScript, [_names.Presence(_server.Id)], [_names.Events.ToString(), message, ExpiryMilliseconds]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async ValueTask DisposeAsync()
    {
        _running = false;
        _local.Changed -= OnLocalChanged;
        _work.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
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
