using LiveState.Blazor.Tests.Shared;

namespace LiveState.Blazor.Redis.Tests.Infrastructure;

/// <summary>One 3-master Redis Cluster shared by the tests of the "redis-cluster" collection; each test uses an app name of its own.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition("redis-cluster")]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>;
