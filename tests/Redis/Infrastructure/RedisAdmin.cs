using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests.Infrastructure;

/// <summary>A connection of the test's own to a redis-server, for faults: CONFIG SET, CLIENT PAUSE, raw writes.</summary>
internal sealed class RedisAdmin : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private RedisAdmin(ConnectionMultiplexer connection)
    {
        _connection = connection;
    }

    public IDatabase Database => _connection.GetDatabase();

    public static async Task<RedisAdmin> ConnectAsync(string endPoint) =>
        new(await ConnectionMultiplexer.ConnectAsync($"{endPoint},allowAdmin=true,abortConnect=false"));

    public Task<RedisResult> ExecuteAsync(string command, params object[] arguments) => Database.ExecuteAsync(command, arguments);

    /// <summary>Out of memory: every command that could add data fails with OOM (maxmemory tiny, noeviction).</summary>
    public async Task RunOutOfMemoryAsync()
    {
        await ExecuteAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
    }

    public Task RestoreMemoryAsync() => ExecuteAsync("CONFIG", "SET", "maxmemory", "0");

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
