using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>The Lua scripts of presence. Each touches one key (and publishes on a channel of that key's slot).</summary>
internal static class PresenceScripts
{
    /// <summary>The field of a topic's presence hash holding a server's sequence number; circuit ids never start with '#'.</summary>
    public const string SequenceFieldPrefix = "#s:";

    /// <summary>
    /// Writes a server's circuits into a topic's presence hash (KEYS[1]) and publishes the change on the topic's channel,
    /// in one step: a receiver that loads the hash either sees the change and its sequence number, or gets the message
    /// after. ARGV: publish command, channel, message, lifetime ms, sequence field, sequence ('' when the server has no
    /// circuit left there: the field goes), then circuit id / entry pairs ('' entry: the circuit left).
    /// </summary>
    public const string WriteTopic = """
        for i = 7, #ARGV, 2 do
          if ARGV[i + 1] == '' then
            redis.call('HDEL', KEYS[1], ARGV[i])
          else
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          end
        end
        if ARGV[6] == '' then
          redis.call('HDEL', KEYS[1], ARGV[5])
        else
          redis.call('HSET', KEYS[1], ARGV[5], ARGV[6])
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        end
        redis.call(ARGV[1], ARGV[2], ARGV[3])
        return 1
        """;

    /// <summary>
    /// Writes entries of this server's own hash (KEYS[1]). ARGV: lifetime ms, then circuit id / entry pairs ('' entry:
    /// the circuit closed).
    /// </summary>
    public const string WriteServer = """
        for i = 2, #ARGV, 2 do
          if ARGV[i + 1] == '' then
            redis.call('HDEL', KEYS[1], ARGV[i])
          else
            redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          end
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
        return 1
        """;

    /// <summary>
    /// Renews this server's lease in the <c>alive</c> hash (KEYS[1]) and reads every server's, in Redis time: a single
    /// clock for all. ARGV: server id, lease ms, circuit count ('' to read only). Returns the time (ms), this server's
    /// lease as it was, and every field and value (<c>expiry:count</c>).
    /// </summary>
    public const string Lease = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local old = false
        if ARGV[3] ~= '' then
          old = redis.call('HGET', KEYS[1], ARGV[1])
          redis.call('HSET', KEYS[1], ARGV[1], (now + tonumber(ARGV[2])) .. ':' .. ARGV[3])
        end
        return {now, old, redis.call('HGETALL', KEYS[1])}
        """;

    /// <summary>
    /// Whether a server's lease (KEYS[1] the alive hash) is there and has ended; with ARGV[2] = 'end', also removes it.
    /// ARGV: server id, mode. Returns 1 if it had ended.
    /// </summary>
    public const string EndLease = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local value = redis.call('HGET', KEYS[1], ARGV[1])
        if not value then return 0 end
        local expiry = tonumber(string.match(value, '^(%d+)'))
        if expiry and expiry > now then return 0 end
        if ARGV[2] == 'end' then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return 1
        """;

    /// <summary>Deletes KEYS[1] if it still holds ARGV[1] (a lock released by its holder only).</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    /// <summary>Reads the result of <see cref="Lease"/>.</summary>
    public static (long Now, string? Previous, List<Lease> Leases) ReadLeases(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var now = (long)parts[0];
        var previous = parts[1].IsNull ? null : (string?)parts[1];
        var fields = (RedisResult[])parts[2]!;
        var leases = new List<Lease>(fields.Length / 2);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            if ((string?)fields[i] is { Length: > 0 } server && TryParseLease((string?)fields[i + 1], out var expiry, out var circuits))
            {
                leases.Add(new Lease(server, expiry, circuits));
            }
        }

        return (now, previous, leases);
    }

    /// <summary>Reads a lease value, <c>expiry:count</c>.</summary>
    public static bool TryParseLease(string? value, out long expiry, out int circuits)
    {
        expiry = 0;
        circuits = 0;
        if (value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && long.TryParse(value.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out expiry)
            && int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out circuits);
    }
}
