using System.Reflection;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Tests.Configuration;

/// <summary><c>AddRedis(configuration.GetSection("LiveState:Redis"))</c>: the section as a connection string or as options.</summary>
[Collection("redis")]
public sealed class ConfigurationBindingTests(RedisFixture redis)
{
    private static IConfigurationSection Section(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build()
            .GetSection("LiveState:Redis");

    private static IHost Build(IConfiguration section, Action<RedisLiveStateOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "app-" + Guid.NewGuid().ToString("N")[..8] });
        builder.Services.AddLiveState().AddRedis(section, configure);
        return builder.Build();
    }

    private static RedisLiveStateOptions Options(IHost host) => host.Services.GetRequiredService<IOptions<RedisLiveStateOptions>>().Value;

    [Fact]
    public async Task APlainValueIsTheConnectionStringAndTheAppRunsOnIt()
    {
        using var host = Build(Section(("LiveState:Redis", redis.Server.EndPoint)));
        await host.StartAsync();

        Assert.Equal(redis.Server.EndPoint, Options(host).Configuration);
        var states = host.Services.GetRequiredService<ISessionGroupStateService>();
        await states.MutateAsync<Counter>("g1", c => c.Value = 7);
        Assert.Equal(7, (await host.Services.GetRequiredService<ISessionGroupStore>().GetAsync<Counter>("g1", "test.counter"))!.Value.Value);

        var connection = host.Services.GetRequiredService<RedisConnection>();
        Assert.True(connection.IsConnected);
        Assert.False(connection.IsBorrowed);
        await host.StopAsync();
    }

    // Every option configuration can set, with a value other than its default. A new bindable option fails
    // EveryBindableOptionIsCovered until it is added here.
    private static readonly (string Key, string Value)[] s_everyOption =
    [
        ("Configuration", "127.0.0.1:1,connectTimeout=1234"),
        ("ApplicationName", "Shop.Web"),
        ("KeyPrefix", "tenant-7:"),
        ("ChannelPrefix", "tenant-7-events:"),
        ("PresenceHeartbeatInterval", "00:00:00.250"),
        ("PresenceTimeout", "00:00:04"),
        ("ShareDataProtectionKeys", "false"),
    ];

    [Fact]
    public void EveryBindableOptionIsCovered()
    {
        var bindable = typeof(RedisLiveStateOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.Name is not (nameof(RedisLiveStateOptions.ConfigurationOptions) or nameof(RedisLiveStateOptions.ConnectionFactory)))
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(bindable, s_everyOption.Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AnObjectsKeysSetEveryOption()
    {
        using var host = Build(Section([.. s_everyOption.Select(o => ("LiveState:Redis:" + o.Key, (string?)o.Value))]));
        var options = Options(host);

        Assert.Equal("127.0.0.1:1,connectTimeout=1234", options.Configuration);
        Assert.Equal("Shop.Web", options.ApplicationName);
        Assert.Equal("tenant-7:", options.KeyPrefix);
        Assert.Equal("tenant-7-events:", options.ChannelPrefix);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PresenceHeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), options.PresenceTimeout);
        Assert.False(options.ShareDataProtectionKeys);
        Assert.Null(options.ConfigurationFailures);
        Assert.Equal(1234, host.Services.GetRequiredService<RedisConnection>().CreateConfiguration().ConnectTimeout);
    }

    [Fact]
    public void KeysAreMatchedWithoutRegardToCase()
    {
        using var host = Build(Section(("LiveState:Redis:configuration", "127.0.0.1:1"), ("LiveState:Redis:keyprefix", "lower:")));
        Assert.Equal("127.0.0.1:1", Options(host).Configuration);
        Assert.Equal("lower:", Options(host).KeyPrefix);
    }

    [Fact]
    public void CodeRunsAfterConfigurationAndOverridesIt()
    {
        using var host = Build(
            Section(("LiveState:Redis:Configuration", "127.0.0.1:1"), ("LiveState:Redis:KeyPrefix", "from-config:"), ("LiveState:Redis:ApplicationName", "Shop.Web")),
            o =>
            {
                Assert.Equal("from-config:", o.KeyPrefix);
                o.KeyPrefix = "from-code:";
            });
        var options = Options(host);

        Assert.Equal("from-code:", options.KeyPrefix);
        Assert.Equal("Shop.Web", options.ApplicationName);
        Assert.Equal("127.0.0.1:1", options.Configuration);
    }

    [Theory]
    [InlineData("PresenceTimeout", "six seconds", "RedisLiveStateOptions.PresenceTimeout")]
    [InlineData("PresenceHeartbeatInterval", "2s", "RedisLiveStateOptions.PresenceHeartbeatInterval")]
    [InlineData("ShareDataProtectionKeys", "yes", "RedisLiveStateOptions.ShareDataProtectionKeys")]
    [InlineData("PresenseTimeout", "00:00:10", "no option 'PresenseTimeout'")]
    [InlineData("ConfigurationOptions:EndPoints:0", "127.0.0.1:1", "RedisLiveStateOptions.ConfigurationOptions cannot be set from configuration")]
    [InlineData("ConnectionFactory", "x", "RedisLiveStateOptions.ConnectionFactory cannot be set from configuration")]
    public async Task ABadKeyOrValueFailsTheStartNamingTheOption(string key, string value, string expected)
    {
        using var host = Build(Section(("LiveState:Redis:Configuration", redis.Server.EndPoint), ("LiveState:Redis:" + key, value)));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.Contains("LiveState:Redis:" + key.Split(':')[0], failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingSectionWithoutARegisteredMultiplexerFailsTheStartSayingBothWays()
    {
        using var host = Build(Section());

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("RedisLiveStateOptions.Configuration", failure.Message, StringComparison.Ordinal);
        Assert.Contains("register an IConnectionMultiplexer", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicEdgesRejectNull()
    {
        var live = new ServiceCollection().AddLiveState();
        Assert.Throws<ArgumentNullException>(() => live.AddRedis((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => ((ILiveStateBuilder)null!).AddRedis(Section()));
        Assert.Throws<ArgumentNullException>(() => ((ILiveStateBuilder)null!).AddRedis());
    }
}
