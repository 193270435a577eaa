using System.Net;
using System.Net.Sockets;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>The test fixtures themselves: a port taken before redis-server binds it, and the cluster fixture.</summary>
public sealed class RedisServerFixtureTests
{
    [Fact]
    public async Task AServerWhosePortIsTakenBeforeItBindsStartsOnAnotherPort()
    {
        // Someone takes the port between the pick and redis-server's bind.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var offered = new Queue<int>([taken]);

        await using var redis = await RedisServer.StartOnPortsAsync(() => offered.Count > 0 ? offered.Dequeue() : RedisServer.FreePort());

        Assert.NotEqual(taken, redis.Port);
        Assert.True(redis.IsRunning);
        Assert.Empty(offered);
    }
}
