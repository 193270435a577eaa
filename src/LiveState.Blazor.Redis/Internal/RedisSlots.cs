using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// The Redis side of group state. A group is one hash, <c>{prefix}group:{groupId}</c>, with two fields per slot:
/// <c>v:{slot}</c> (the version) and <c>d:{slot}</c> (System.Text.Json of the slot's declared type). Every read and
/// write pushes the hash's expiry out to <see cref="LiveStateOptions.IdleGroupTimeout"/>.
/// </summary>
internal sealed class RedisSlots
{
    // Reading a group counts as using it: slide its expiry.
    private const string ReadScript = """
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return redis.call('HMGET', KEYS[1], 'v:' .. ARGV[1], 'd:' .. ARGV[1])
        """;

    // Writes only if the slot is still at the version the new value was computed from; otherwise answers what is
    // there now, so the caller can recompute without another read.
    private const string CompareAndSetScript = """
        local vf = 'v:' .. ARGV[1]
        local df = 'd:' .. ARGV[1]
        local current = redis.call('HGET', KEYS[1], vf)
        if (current or '0') ~= ARGV[2] then
          if not current then return {0} end
          return {0, current, redis.call('HGET', KEYS[1], df)}
        end
        local version = redis.call('HINCRBY', KEYS[1], vf, 1)
        redis.call('HSET', KEYS[1], df, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {1, version}
        """;

    private readonly RedisConnection _connection;
    private readonly RedisNames _names;
    private readonly IOptionsMonitor<LiveStateOptions> _options;

    public RedisSlots(RedisConnection connection, RedisNames names, IOptionsMonitor<LiveStateOptions> options)
    {
        _connection = connection;
        _names = names;
        _options = options;
    }

    public RedisNames Names => _names;

    private long ExpiryMilliseconds => (long)Math.Ceiling(_options.CurrentValue.IdleGroupTimeout.TotalMilliseconds);

    private JsonSerializerOptions Json => _options.CurrentValue.JsonSerializerOptions;

    public async Task<SessionGroupSlot<T>?> ReadAsync<T>(string groupId, string slotKey, CancellationToken cancellationToken) where T : class
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(ReadScript, [_names.Group(groupId)], [slotKey, ExpiryMilliseconds])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var fields = (RedisResult[])result!;
        return fields[0].IsNull ? null : new SessionGroupSlot<T>(Deserialize<T>(groupId, slotKey, (byte[])fields[1]!), (long)fields[0]);
    }

    /// <summary>Stores <paramref name="value"/> if the slot is still at <paramref name="expectedVersion"/> (0: absent).</summary>
    /// <returns>Applied and the new version; or not applied and the slot as it is now (null when absent).</returns>
    public async Task<(bool Applied, long Version, SessionGroupSlot<T>? Current)> CompareAndSetAsync<T>(string groupId, string slotKey, long expectedVersion, T value) where T : class
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(CompareAndSetScript, [_names.Group(groupId)], [slotKey, expectedVersion, payload, ExpiryMilliseconds]).ConfigureAwait(false);
        var fields = (RedisResult[])result!;
        if ((long)fields[0] == 1)
        {
            return (true, (long)fields[1], null);
        }

        return fields.Length < 3
            ? (false, 0, null)
            : (false, 0, new SessionGroupSlot<T>(Deserialize<T>(groupId, slotKey, (byte[])fields[2]!), (long)fields[1]));
    }

    /// <summary>A slot's version and stored JSON, untyped (to hand to the core, which knows the type); (0, empty) when absent.</summary>
    public async Task<(long Version, ReadOnlyMemory<byte> Payload)> ReadRawAsync(string groupId, string slotKey)
    {
        var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
        var result = await database.ScriptEvaluateAsync(ReadScript, [_names.Group(groupId)], [slotKey, ExpiryMilliseconds]).ConfigureAwait(false);
        var fields = (RedisResult[])result!;
        return fields[0].IsNull || fields[1].IsNull ? (0, ReadOnlyMemory<byte>.Empty) : ((long)fields[0], (byte[])fields[1]!);
    }

    /// <summary>Every slot of a group, untyped: key, version and stored JSON.</summary>
    public async Task<List<(string SlotKey, long Version, ReadOnlyMemory<byte> Payload)>> ReadGroupAsync(string groupId)
    {
        var database = await _connection.GetDatabaseAsync().ConfigureAwait(false);
        var fields = await database.HashGetAllAsync(_names.Group(groupId)).ConfigureAwait(false);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            var name = (string?)field.Name ?? string.Empty;
            if (name.StartsWith("v:", StringComparison.Ordinal) && field.Value.TryParse(out long version))
            {
                versions[name[2..]] = version;
            }
            else if (name.StartsWith("d:", StringComparison.Ordinal) && (byte[]?)field.Value is { } value)
            {
                values[name[2..]] = value;
            }
        }

        var slots = new List<(string, long, ReadOnlyMemory<byte>)>(versions.Count);
        foreach (var (slotKey, version) in versions)
        {
            if (values.TryGetValue(slotKey, out var value))
            {
                slots.Add((slotKey, version, value));
            }
        }

        return slots;
    }

    public async Task<bool> DeleteAsync(string groupId, CancellationToken cancellationToken)
    {
        var database = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        return await database.KeyDeleteAsync(_names.Group(groupId)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private T Deserialize<T>(string groupId, string slotKey, byte[] payload) where T : class
    {
        try
        {
            // The declared type only: the payload never names a type.
            return JsonSerializer.Deserialize<T>(payload, Json)
                ?? throw new UnreadableSlotException($"Slot '{slotKey}' of group '{Redaction.Group(groupId)}' holds null.", null);
        }
        catch (JsonException ex)
        {
            throw new UnreadableSlotException($"Slot '{slotKey}' of group '{Redaction.Group(groupId)}' does not read as {typeof(T)}.", ex);
        }
    }
}

/// <summary>A stored slot that does not read as its declared type (another version of the app wrote it).</summary>
internal sealed class UnreadableSlotException(string message, Exception? innerException) : InvalidOperationException(message, innerException);
