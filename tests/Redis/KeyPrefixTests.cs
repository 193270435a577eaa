using LiveState.Blazor.Identity;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// Apps whose names or prefixes look alike never see each other's keys (issue 14, item 10): a name or prefix that
/// could make one app's keys look like another's is refused at start, and look-alike apps side by side on one Redis
/// list, purge and keep their Data Protection key rings apart.
/// </summary>
[Collection("redis")]
public sealed class KeyPrefixTests(RedisFixture redis)
{
    [Theory]
    [InlineData("shop:group:x", "':'")]
    [InlineData("shop:presence", "':'")]
    [InlineData("sh{op}", "'{'")]
    [InlineData("my shop", "white space")]
    public async Task AnApplicationNameThatCouldCollideIsRefusedAtStartWithAClearMessage(string application, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var node = await LiveNode.StartAsync("s1", "host-app", o =>
            {
                o.Configuration = redis.Server.EndPoint;
                o.ApplicationName = application;
            });
        });

        Assert.Contains("ApplicationName", failure.Message, StringComparison.Ordinal);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.Contains(application, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("livestate:shop:group:x:", "'group'")]
    [InlineData("tenant:presence:eu:", "'presence'")]
    [InlineData("tenant-7", "end with ':'")]
    [InlineData("{tenant}:", "'{'")]
    public async Task AKeyPrefixThatCouldHoldAnotherAppsKeysIsRefusedAtStart(string prefix, string named)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var node = await LiveNode.StartAsync("s1", "host-app", o =>
            {
                o.Configuration = redis.Server.EndPoint;
                o.KeyPrefix = prefix;
            });
        });

        Assert.Contains("KeyPrefix", failure.Message, StringComparison.Ordinal);
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookAlikeAppsSideBySideListAndPurgeOnlyTheirOwnGroupsAndKeepTheirKeyRings()
    {
        var shop = "shop" + Guid.NewGuid().ToString("N")[..6];
        var lookAlike = shop + ".group.x";
        await using var one = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1, application: shop);
        await using var other = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1, application: lookAlike);

        // Group ids may hold ':' (user:alice, browser:...): one of them even looks like the other app's key tail.
        string[] shopGroups = ["user:alice", "x:group:g1", "plain"];
        string[] otherGroups = ["user:alice", "g1", "group:g2"];
        foreach (var group in shopGroups)
        {
            await one.First.States.MutateAsync<Counter>(group, c => c.Value = 1);
        }

        foreach (var group in otherGroups)
        {
            await other.First.States.MutateAsync<Counter>(group, c => c.Value = 2);
        }

        var otherCookie = other.First.Services.GetRequiredService<BrowserIdCookie>().Seal(BrowserIdCookie.NewId());
        var shopCookie = one.First.Services.GetRequiredService<BrowserIdCookie>().Seal(BrowserIdCookie.NewId());

        Assert.Equal(shopGroups.Order(), (await ListAsync(one)).Order());
        Assert.Equal(otherGroups.Order(), (await ListAsync(other)).Order());

        // A purge of one app: every group it lists, deleted.
        foreach (var group in await ListAsync(one))
        {
            Assert.True(await one.First.States.DeleteAsync(group));
        }

        Assert.Empty(await ListAsync(one));
        Assert.Equal(otherGroups.Order(), (await ListAsync(other)).Order());
        foreach (var group in otherGroups)
        {
            Assert.Equal(2, (await other.First.States.GetAsync<Counter>(group)).Value);
        }

        // Both key rings are untouched: each app still unseals its own cookies, and neither the other's.
        await using var admin = await RedisAdmin.ConnectAsync(redis.Server.EndPoint);
        Assert.True(await admin.Database.KeyExistsAsync($"livestate:{shop}:dataprotection-keys"));
        Assert.True(await admin.Database.KeyExistsAsync($"livestate:{lookAlike}:dataprotection-keys"));
        Assert.NotNull(other.First.Services.GetRequiredService<BrowserIdCookie>().TryUnseal(otherCookie));
        Assert.NotNull(one.First.Services.GetRequiredService<BrowserIdCookie>().TryUnseal(shopCookie));
        Assert.Null(one.First.Services.GetRequiredService<BrowserIdCookie>().TryUnseal(otherCookie));
    }

    private static async Task<List<string>> ListAsync(LiveCluster app)
    {
        var groups = new List<string>();
        await foreach (var group in app.First.States.ListGroupsAsync())
        {
            groups.Add(group);
        }

        return groups;
    }
}
