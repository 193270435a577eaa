using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Removes the presence of servers that died without a farewell: when a heartbeat finds a server's lease ended, one
/// live server (the one that takes the lock key <c>{prefix}reap:{{server}}</c>) reads the dead server's own hash, takes
/// its circuits out of the presence of their groups and users, tells the servers hosting them (on each topic's
/// channel), and deletes the dead server's hash and lease. Until then, every server already ignores a lapsed server's
/// circuits.
/// </summary>
internal sealed class PresenceReaper
{
    private readonly ConcurrentDictionary<string, byte> _reaping = new(StringComparer.Ordinal);
    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly ServerIdentity _self;
    private readonly PubSubMode _mode;
    private readonly RedisLiveStateOptions _options;
    private readonly ILogger _logger;
    private readonly SupervisedLoop _supervisor;

    public PresenceReaper(RedisConnection connection, RedisNames names, ServerIdentity self, PubSubMode mode, IOptions<RedisLiveStateOptions> options, BackendLoops loops, ILogger<PresenceReaper> logger)
    {
        _connection = connection;
        _names = names;
        _self = self;
        _mode = mode;
        _options = options.Value;
        _logger = logger;
        _supervisor = loops.Add("presence reaper", logger, TimeSpan.Zero, () => TimeSpan.Zero, () => _options.PresenceTimeout);
    }

    /// <summary>Servers whose lease ended: removes each one's presence in the background, unless another server does.</summary>
    public void Consider(IReadOnlyList<string> servers)
    {
        foreach (var server in servers)
        {
            if (_reaping.TryAdd(server, 0))
            {
                _ = ReapAsync(server);
            }
        }
    }

    private async Task ReapAsync(string server)
    {
        try
        {
            await _supervisor.RunOnceAsync(_ => RemoveAsync(server), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _reaping.TryRemove(server, out _);
        }
    }

    /// <summary>Removes one dead server's presence, if this server gets the lock. Returns whether it did.</summary>
    internal async Task<bool> RemoveAsync(string server)
    {
        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        var sharded = _mode.Require(multiplexer);
        var database = multiplexer.GetDatabase();
        var token = _self.Id;
        var lockKey = _names.ReapLock(server);

        // One remover at a time; the lock ends by itself if this server dies while removing.
        if (!await database.StringSetAsync(lockKey, token, _options.PresenceTimeout * 2, When.NotExists).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            // Removed already by another server (its lease is gone), or alive again (renewed): nothing to do.
            if ((long)await database.ScriptEvaluateAsync(PresenceScripts.EndLease, [_names.Alive], [server, "check"]).ConfigureAwait(false) != 1)
            {
                return false;
            }

            var entries = new List<PresenceEntry>();
            foreach (var field in await database.HashGetAllAsync(_names.ServerPresence(server)).ConfigureAwait(false))
            {
                if (PresenceEntry.TryParse(field.Value, out var entry, out _) && entry.Server == server)
                {
                    entries.Add(entry);
                }
            }

            var topics = await PresenceKeys.RemoveServerAsync(database, _names, server, _self.Id, entries, sharded, (long)PresenceKeys.Lifetime(_options).TotalMilliseconds).ConfigureAwait(false);
            await database.ScriptEvaluateAsync(PresenceScripts.EndLease, [_names.Alive], [server, "end"]).ConfigureAwait(false);
            Log.ServerReaped(_logger, Redaction.Bounded(server), entries.Count, topics);
            return true;
        }
        finally
        {
            await database.ScriptEvaluateAsync(PresenceScripts.Release, [lockKey], [token]).ConfigureAwait(false);
        }
    }
}
