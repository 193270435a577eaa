using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Hosting;

/// <summary><c>AddLiveState(builder.Configuration.GetSection("LiveState"))</c>: every option binds, bad values stop the start.</summary>
public sealed class ConfigurationBindingTests
{
    /// <summary>Each option as appsettings.json holds it (flattened as configuration keys), none at its default, and the value it binds to.</summary>
    public static TheoryData<string, string[], object> EveryOption() => new()
    {
        { nameof(LiveStateOptions.CookieName), [".MyApp.Browser"], ".MyApp.Browser" },
        { nameof(LiveStateOptions.UseHostPrefix), ["false"], false },
        { nameof(LiveStateOptions.CookieLifetime), ["30.00:00:00"], TimeSpan.FromDays(30) },
        { nameof(LiveStateOptions.CookieSecurePolicy), ["Always"], CookieSecurePolicy.Always },
        { nameof(LiveStateOptions.CookieIsEssential), ["false"], false },
        // A list adds to the defaults: the hub and framework paths stay excluded.
        { nameof(LiveStateOptions.CookieExcludedPaths), ["/api", "/health"], new[] { "/_blazor", "/_framework", "/_content", "/api", "/health" } },
        { nameof(LiveStateOptions.HubPath), ["/hub"], "/hub" },
        { nameof(LiveStateOptions.AllowedHubOrigins), ["self", "https://app.example.com"], new[] { "self", "https://app.example.com" } },
        { nameof(LiveStateOptions.SignOutOtherTabs), ["true"], true },
        { nameof(LiveStateOptions.UserIdClaimType), ["sub"], "sub" },
        { nameof(LiveStateOptions.IdleGroupTimeout), ["02:30:00"], TimeSpan.FromMinutes(150) },
        { nameof(LiveStateOptions.IdleGroupScanInterval), ["00:00:30"], TimeSpan.FromSeconds(30) },
        { nameof(LiveStateOptions.MaxGroups), ["5000"], 5000 },
        { nameof(LiveStateOptions.DeliveryTimeout), ["00:00:02"], TimeSpan.FromSeconds(2) },
        { nameof(LiveStateOptions.BroadcastPresenceChanges), ["false"], false },
        { nameof(LiveStateOptions.PresenceUpdateInterval), ["00:00:00.5"], TimeSpan.FromMilliseconds(500) },
        { nameof(LiveStateOptions.MaxCircuitsPerGroup), ["20"], 20 },
        { nameof(LiveStateOptions.SlotChangePayloadLimit), ["0"], 0 },
    };

    [Theory]
    [MemberData(nameof(EveryOption))]
    public async Task EachOptionBindsFromTheLiveStateSection(string option, string[] values, object expected)
    {
        // appsettings.json's "Option": [ "a", "b" ] is the keys Option:0 and Option:1.
        var settings = expected is string[]
            ? values.Select((v, i) => (Key: $"LiveState:{option}:{i}", Value: (string?)v)).ToDictionary(p => p.Key, p => p.Value)
            : new Dictionary<string, string?> { [$"LiveState:{option}"] = Assert.Single(values) };

        using var host = await StartAsync(settings);

        var options = host.Services.GetRequiredService<IOptions<LiveStateOptions>>().Value;
        var bound = typeof(LiveStateOptions).GetProperty(option)!.GetValue(options);
        if (expected is string[] list)
        {
            Assert.Equal(list, Assert.IsAssignableFrom<IEnumerable<string>>(bound));
        }
        else
        {
            Assert.Equal(expected, bound);
            Assert.NotEqual(expected, typeof(LiveStateOptions).GetProperty(option)!.GetValue(new LiveStateOptions()));
        }
    }

    [Fact]
    public void EveryOptionButTheSerializerOptionsIsCoveredAbove()
    {
        var covered = EveryOption().Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);
        var options = typeof(LiveStateOptions).GetProperties().Select(p => p.Name).Where(n => n != nameof(LiveStateOptions.JsonSerializerOptions));

        Assert.Equal(options.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheSamplesAppSettingsBindAndPassValidation()
    {
        // The TodoApp's appsettings.json as it is, with the Redis package's key beside it (as --LiveState:Redis=... adds
        // it), which this binding leaves alone.
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(Path.Combine(Repository.Root, "samples", "TodoApp", "appsettings.json"), optional: false, reloadOnChange: false);
        configuration["LiveState:Redis"] = "127.0.0.1:6379";
        using var host = await StartAsync(configuration);

        var options = host.Services.GetRequiredService<IOptions<LiveStateOptions>>().Value;
        Assert.True(options.SignOutOtherTabs);
        Assert.Equal(TimeSpan.FromDays(1), options.IdleGroupTimeout);

        // What the section does not name keeps its default, the serializer options included.
        Assert.Equal(100_000, options.MaxGroups);
        Assert.Same(JsonNamingPolicy.CamelCase, options.JsonSerializerOptions.PropertyNamingPolicy);
        Assert.Empty(options.JsonSerializerOptions.Converters);
        Assert.Equal(new[] { "/_blazor", "/_framework", "/_content" }, options.CookieExcludedPaths);
    }

    [Fact]
    public async Task CodeRunsAfterTheBindingAndWins()
    {
        using var host = await StartAsync(
            new Dictionary<string, string?> { ["LiveState:MaxGroups"] = "5000", ["LiveState:HubPath"] = "/hub" },
            o => o.MaxGroups = 7);

        var options = host.Services.GetRequiredService<IOptions<LiveStateOptions>>().Value;
        Assert.Equal(7, options.MaxGroups);
        Assert.Equal("/hub", options.HubPath);
    }

    public static TheoryData<string, string> InvalidValues() => new()
    {
        { "CookieName", "__Host-mine" },
        { "CookieLifetime", "00:00:00" },
        { "IdleGroupTimeout", "-00:00:01" },
        { "IdleGroupScanInterval", "00:00:00" },
        { "MaxGroups", "0" },
        { "DeliveryTimeout", "01:00:00" },
        { "PresenceUpdateInterval", "00:05:00" },
        { "MaxCircuitsPerGroup", "-1" },
        { "SlotChangePayloadLimit", "-1" },
        { "HubPath", "hub" },
        { "UserIdClaimType", " " },
        { "AllowedHubOrigins:0", "ftp://files.example.com" },
        { "CookieExcludedPaths:0", "api" },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public async Task AnInvalidValueStopsTheStartNamingTheOption(string key, string value)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?> { ["LiveState:" + key] = value }));

        Assert.Contains("LiveStateOptions." + key.Split(':')[0], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxGroups", "many")]
    [InlineData("IdleGroupTimeout", "soon")]
    [InlineData("UseHostPrefix", "perhaps")]
    [InlineData("CookieSecurePolicy", "Sometimes")]
    public async Task AValueThatDoesNotParseStopsTheStartNamingTheKey(string option, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?> { ["LiveState:" + option] = value }));

        Assert.Contains("LiveState:" + option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SerializerOptionsInConfigurationStopTheStartSayingToSetThemInCode()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["LiveState:JsonSerializerOptions:WriteIndented"] = "true",
        }));

        Assert.Contains("LiveStateOptions.JsonSerializerOptions cannot be set from configuration ('LiveState:JsonSerializerOptions')", error.Message, StringComparison.Ordinal);
        Assert.Contains("in code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChangeToTheConfigurationWhileTheAppRunsAppliesOnRestart()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LiveState:DeliveryTimeout"] = "00:00:02" });
        using var host = await StartAsync(configuration);
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>();

        // A bad value too: the running app neither takes it nor throws where the options are read.
        configuration["LiveState:DeliveryTimeout"] = "00:00:00";
        ((IConfigurationRoot)configuration).Reload();

        Assert.Equal(TimeSpan.FromSeconds(2), monitor.CurrentValue.DeliveryTimeout);
    }

    private static Task<IHost> StartAsync(Dictionary<string, string?> settings, Action<LiveStateOptions>? configure = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings);
        return StartAsync(configuration, configure);
    }

    private static async Task<IHost> StartAsync(IConfiguration configuration, Action<LiveStateOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLiveState(configuration.GetSection("LiveState"), configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
