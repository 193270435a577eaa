using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests.Configuration;

/// <summary>An <see cref="IConnectionMultiplexer"/> the app registered (as .NET Aspire's <c>AddRedisClient</c> does) is used, and left to its owner.</summary>
[Collection("redis")]
public sealed class RegisteredMultiplexerTests(RedisFixture redis)
{
    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task TwoServersShareStateAndBroadcastsThroughTheAppsMultiplexerAndLeaveItConnected()
    {
        await using var shared = await ConnectionMultiplexer.ConnectAsync(redis.Server.EndPoint);

        // No connection option: each node borrows the registered multiplexer.
        var cluster = await LiveCluster.StartRedisAsync(
            redis.Server,
            nodes: 2,
            configure: o => o.Configuration = null,
            services: s => s.AddSingleton<IConnectionMultiplexer>(shared));
        await using (cluster)
        {
            var (one, two) = (cluster.First, cluster.Last);
            Assert.All(cluster.Nodes, n => Assert.Same(shared, n.Services.GetRequiredService<RedisConnection>().Current));
            Assert.All(cluster.Nodes, n => Assert.True(n.Services.GetRequiredService<RedisConnection>().IsBorrowed));

            var group = NewGroup();
            await one.States.MutateAsync<Counter>(group, c => c.Value = 41);
            Assert.Equal(41, (await two.States.GetAsync<Counter>(group)).Value);

            var watcher = two.Open(new LiveIdentity(group));
            await cluster.WaitForPresenceAsync(1);
            var before = watcher.Renders;
            await one.States.MutateAsync<Counter>(group, c => c.Value++);
            await Wait.UntilAsync(() => watcher.Renders > before, "server two's circuit rendered server one's update");
            Assert.Equal(42, (await two.States.GetAsync<Counter>(group)).Value);
        }

        // Both hosts stopped and disposed: the multiplexer is its owner's, still open and connected.
        Assert.True(shared.IsConnected);
        Assert.True(await shared.GetDatabase().PingAsync() >= TimeSpan.Zero);
        await shared.GetSubscriber().PublishAsync(RedisChannel.Literal("still-open"), "yes");
    }

    [Fact]
    public async Task AddRedisWithoutArgumentsUsesTheRegisteredMultiplexer()
    {
        await using var shared = await ConnectionMultiplexer.ConnectAsync(redis.Server.EndPoint);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "app-" + Guid.NewGuid().ToString("N")[..8] });
        builder.Services.AddSingleton<IConnectionMultiplexer>(shared);
        builder.Services.AddLiveState().AddRedis();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var group = NewGroup();
            await host.Services.GetRequiredService<ISessionGroupStateService>().MutateAsync<Counter>(group, c => c.Value = 5);

            Assert.Same(shared, host.Services.GetRequiredService<RedisConnection>().Current);
            Assert.True(await shared.GetDatabase().KeyExistsAsync(host.Services.GetRequiredService<RedisNames>().Group(group)));
            await host.StopAsync();
        }

        Assert.True(shared.IsConnected);
    }

    [Fact]
    public async Task AConnectionStringWinsOverTheRegisteredMultiplexer()
    {
        await using var shared = await ConnectionMultiplexer.ConnectAsync(redis.Server.EndPoint);
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection([new("LiveState:Redis", redis.Server.EndPoint)])
            .Build()
            .GetSection("LiveState:Redis");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "app-" + Guid.NewGuid().ToString("N")[..8] });
        builder.Services.AddSingleton<IConnectionMultiplexer>(shared);
        builder.Services.AddLiveState().AddRedis(section);
        using var host = builder.Build();
        await host.StartAsync();

        var connection = host.Services.GetRequiredService<RedisConnection>();
        await connection.GetAsync();
        Assert.NotSame(shared, connection.Current);
        Assert.False(connection.IsBorrowed);
        await host.StopAsync();
    }

    [Fact]
    public async Task NeitherAConnectionNorARegisteredMultiplexerFailsTheStartSayingBothWays()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "app" });
        builder.Services.AddLiveState().AddRedis();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RedisLiveStateOptions.Configuration", failure.Message, StringComparison.Ordinal);
        Assert.Contains("register an IConnectionMultiplexer", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AddRedisClient", failure.Message, StringComparison.Ordinal);
    }
}
