using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Hosting;

public sealed class RegistrationTests
{
    public static TheoryData<string, Action<LiveStateOptions>> InvalidOptions() => new()
    {
        { "CookieName", o => o.CookieName = "bad name;" },
        { "CookieLifetime", o => o.CookieLifetime = TimeSpan.Zero },
        { "UserIdClaimType", o => o.UserIdClaimType = "" },
        { "IdleGroupTimeout", o => o.IdleGroupTimeout = TimeSpan.FromSeconds(-1) },
        { "IdleGroupScanInterval", o => o.IdleGroupScanInterval = TimeSpan.Zero },
        { "MaxGroups", o => o.MaxGroups = 0 },
        { "DeliveryTimeout", o => o.DeliveryTimeout = TimeSpan.Zero },
        { "CookieExcludedPaths", o => o.CookieExcludedPaths.Add("no-slash") },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task InvalidOptionsFailAtStartupNamingTheOption(string option, Action<LiveStateOptions> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLiveState(configure);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("LiveStateOptions." + option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultOptionsStartAndStopCleanly()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLiveState();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync().WaitAsync(Wait.Deadline);

        var options = host.Services.GetRequiredService<IOptions<LiveStateOptions>>().Value;
        Assert.Equal(TimeSpan.FromHours(24), options.IdleGroupTimeout);
        Assert.Equal(TimeSpan.FromDays(365), options.CookieLifetime);
    }

    [Fact]
    public void AddLiveStateRegistersThePublicServicesOnce()
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddLiveState();
        services.AddLiveState();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        Assert.Same(services, builder.Services);
        Assert.NotNull(provider.GetRequiredService<ILiveBroadcaster>());
        Assert.NotNull(provider.GetRequiredService<ILiveCircuitRegistry>());
        Assert.NotNull(provider.GetRequiredService<ISessionGroupStore>());
        Assert.NotNull(provider.GetRequiredService<ISessionGroupStateService>());
        Assert.Single(services, d => d.ServiceType == typeof(ILiveBroadcaster));
        Assert.Single(services, d => d.ImplementationType == typeof(LiveState.Blazor.State.IdleGroupCleaner));
    }

    [Fact]
    public void UseLiveStateWithoutAddLiveStateSaysWhatIsMissing()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseLiveState());

        Assert.Contains("AddLiveState", error.Message, StringComparison.Ordinal);
    }
}
