using LiveState.Blazor.Backends;
using LiveState.Blazor.Redis.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>What <c>AddRedis</c> registers and how options default; nothing here connects.</summary>
public sealed class RedisSetupTests
{
    private static IHost Build(Action<RedisLiveStateOptions> configure, string application = "Shop.Web")
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = application });
        builder.Services.AddLiveState().AddRedis(configure);
        return builder.Build();
    }

    [Fact]
    public void AddRedisReplacesTheStoreAndPlugsTheBackendIntoTheCoresSeam()
    {
        using var host = Build(o => o.Configuration = "127.0.0.1:1");
        var services = host.Services;

        Assert.IsType<RedisSessionGroupStore>(services.GetRequiredService<ISessionGroupStore>());
        var backend = Assert.IsType<RedisLiveStateBackend>(services.GetRequiredService<LiveStateBackend>());

        // The core composes the rest: its broadcaster hands broadcasts to the backend, presence is the backend's.
        Assert.Equal("ClusterBroadcaster", services.GetRequiredService<ILiveBroadcaster>().GetType().Name);
        Assert.Same(backend.Presence, services.GetRequiredService<ILiveCircuitRegistry>());
        Assert.IsType<ClusterPresence>(backend.Presence);

        // The package runs no hosted service of its own: the core starts and stops the backend.
        Assert.DoesNotContain(services.GetServices<IHostedService>(), s => s.GetType().Assembly == typeof(RedisLiveStateBackend).Assembly);
    }

    [Fact]
    public void PrefixesAndTheDataProtectionNameFollowTheApplicationName()
    {
        using var host = Build(o => o.Configuration = "127.0.0.1:1");
        var options = host.Services.GetRequiredService<IOptions<RedisLiveStateOptions>>().Value;

        Assert.Equal("Shop.Web", options.ApplicationName);
        Assert.Equal("livestate:Shop.Web:", options.KeyPrefix);
        Assert.Equal("livestate:Shop.Web:", options.ChannelPrefix);
        Assert.Equal("Shop.Web", host.Services.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator);
        Assert.IsType<RedisXmlRepository>(host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
    }

    [Fact]
    public void AChosenKeyPrefixIsAlsoTheChannelPrefix()
    {
        using var host = Build(o =>
        {
            o.Configuration = "127.0.0.1:1";
            o.KeyPrefix = "tenant-7:";
        });
        var options = host.Services.GetRequiredService<IOptions<RedisLiveStateOptions>>().Value;

        Assert.Equal("tenant-7:", options.ChannelPrefix);
        var names = host.Services.GetRequiredService<RedisNames>();
        Assert.Equal("tenant-7:group:g1", (string)names.Group("g1")!);
        Assert.Equal("tenant-7:events", names.Events);
        Assert.Equal("tenant-7:g:{g1}", names.TopicChannel(LiveTopic.Group("g1")));
        Assert.Equal("tenant-7:pg:{g1}", (string)names.Presence(LiveTopic.Group("g1"))!);
    }

    [Fact]
    public void DataProtectionIsLeftAloneWhenAsked()
    {
        using var host = Build(o =>
        {
            o.Configuration = "127.0.0.1:1";
            o.ShareDataProtectionKeys = false;
        });

        Assert.IsNotType<RedisXmlRepository>(host.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        Assert.NotEqual("Shop.Web", host.Services.GetRequiredService<IOptions<DataProtectionOptions>>().Value.ApplicationDiscriminator);
    }

    [Fact]
    public async Task AnAppWithoutAConnectionFailsToStartWithAClearMessage()
    {
        using var host = Build(_ => { });
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Configuration", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APresenceTimeoutMustOutlastTheHeartbeat()
    {
        using var host = Build(o =>
        {
            o.Configuration = "127.0.0.1:1";
            o.PresenceTimeout = o.PresenceHeartbeatInterval;
        });
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("PresenceTimeout", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigurationStringReconnectsInTheBackgroundAndFailsFastWhileDisconnected()
    {
        using var host = Build(o => o.Configuration = "127.0.0.1:1,connectTimeout=1234");
        var configuration = host.Services.GetRequiredService<RedisConnection>().CreateConfiguration();

        Assert.False(configuration.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.FailFast, configuration.BacklogPolicy);
        Assert.Equal(1234, configuration.ConnectTimeout);
        Assert.IsType<ExponentialRetry>(configuration.ReconnectRetryPolicy);
    }

    [Fact]
    public void ConfigurationOptionsAreClonedAndKeptExceptForAbortOnConnectFail()
    {
        var given = new ConfigurationOptions { EndPoints = { "127.0.0.1:1" }, AbortOnConnectFail = true, BacklogPolicy = BacklogPolicy.Default };
        using var host = Build(o => o.ConfigurationOptions = given);
        var configuration = host.Services.GetRequiredService<RedisConnection>().CreateConfiguration();

        Assert.NotSame(given, configuration);
        Assert.False(configuration.AbortOnConnectFail);
        Assert.True(given.AbortOnConnectFail);
        Assert.Same(BacklogPolicy.Default, configuration.BacklogPolicy);
    }

    [Fact]
    public void TheConnectionStringOverloadSetsTheConfiguration()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "a" });
        builder.Services.AddLiveState().AddRedis("127.0.0.1:6380", o => o.ApplicationName = "b");
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<RedisLiveStateOptions>>().Value;

        Assert.Equal("127.0.0.1:6380", options.Configuration);
        Assert.Equal("livestate:b:", options.KeyPrefix);
    }

    [Fact]
    public void PublicEdgesRejectNull()
    {
        var live = new ServiceCollection().AddLiveState();
        Assert.Throws<ArgumentNullException>(() => ((ILiveStateBuilder)null!).AddRedis(_ => { }));
        Assert.Throws<ArgumentNullException>(() => live.AddRedis((Action<RedisLiveStateOptions>)null!));
        Assert.ThrowsAny<ArgumentException>(() => live.AddRedis(" "));
    }
}
