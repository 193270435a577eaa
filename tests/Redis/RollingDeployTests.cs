using System.Text.Json;
using System.Text.Json.Serialization;
using LiveState.Blazor.Redis.Tests.Infrastructure;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>What docs/scaling.md ("Rolling deploys") tells app authors about slots written by a newer version of their app.</summary>
[Collection("redis")]
public sealed class RollingDeployTests(RedisFixture redis)
{
    [Fact]
    public async Task AnOlderServersUpdateKeepsPropertiesItDoesNotKnowWhenTheSlotCarriesExtensionData()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1, application: app);
        await using var admin = await RedisAdmin.ConnectAsync(redis.Server.EndPoint);
        var key = $"livestate:{app}:group:g";

        // The newer version of the app wrote a property this version's type does not have.
        await admin.Database.HashSetAsync(key, [new("v:test.profile", 1), new("d:test.profile", """{"name":"ada","Nickname":"countess"}""")]);

        var updated = await cluster.First.States.MutateAsync<Profile>("g", p => p.Name = "ada lovelace");

        Assert.Equal("ada lovelace", updated.Name);
        var json = (string)(await admin.Database.HashGetAsync(key, "d:test.profile"))!;
        using var stored = JsonDocument.Parse(json);
        Assert.True(stored.RootElement.TryGetProperty("Nickname", out _), json);
        Assert.Equal("countess", stored.RootElement.GetProperty("Nickname").GetString());
        Assert.Equal("ada lovelace", stored.RootElement.GetProperty("name").GetString());
    }
}

[SessionGroupSlot("test.profile")]
public sealed class Profile
{
    public string Name { get; set; } = string.Empty;

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; set; }
}
