using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>Fills in the defaults that depend on the host: the application name and the prefixes derived from it.</summary>
internal sealed class RedisLiveStateOptionsSetup : IPostConfigureOptions<RedisLiveStateOptions>
{
    private readonly IHostEnvironment? _environment;

    public RedisLiveStateOptionsSetup(IServiceProvider services)
    {
        _environment = services.GetService(typeof(IHostEnvironment)) as IHostEnvironment;
    }

    public void PostConfigure(string? name, RedisLiveStateOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ApplicationName))
        {
            options.ApplicationName = _environment?.ApplicationName is { Length: > 0 } host
                ? host
                : Assembly.GetEntryAssembly()?.GetName().Name ?? "app";
        }

        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            options.KeyPrefix = $"livestate:{options.ApplicationName}:";
        }

        if (string.IsNullOrEmpty(options.ChannelPrefix))
        {
            options.ChannelPrefix = options.KeyPrefix;
        }
    }
}

internal sealed class RedisLiveStateOptionsValidator : IValidateOptions<RedisLiveStateOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisLiveStateOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration) && options.ConfigurationOptions is null && options.ConnectionFactory is null)
        {
            failures.Add("RedisLiveStateOptions needs a Configuration (for example \"127.0.0.1:6379\"), ConfigurationOptions or a ConnectionFactory.");
        }

        if (options.PresenceHeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"RedisLiveStateOptions.PresenceHeartbeatInterval must be positive (was {options.PresenceHeartbeatInterval}).");
        }

        if (options.PresenceTimeout <= options.PresenceHeartbeatInterval)
        {
            failures.Add($"RedisLiveStateOptions.PresenceTimeout ({options.PresenceTimeout}) must exceed PresenceHeartbeatInterval ({options.PresenceHeartbeatInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
