using LiveState.Blazor.Tests.Shared;

namespace LiveState.Blazor.Redis.Tests.Infrastructure;

/// <summary>One redis-server shared by the tests of the "redis" collection; each test uses an app name of its own.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition("redis")]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>;
