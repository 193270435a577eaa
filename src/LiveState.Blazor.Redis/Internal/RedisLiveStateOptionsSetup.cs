using System.Reflection;
using StackExchange.Redis;
using Microsoft.Extensions.DependencyInjection;
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
    internal const string NoConnectionMessage =
        "LiveState's Redis backend has no connection. Either set RedisLiveStateOptions.Configuration (for example "
        + "\"127.0.0.1:6379\": in code, or in configuration as \"LiveState:Redis\" with AddRedis(configuration.GetSection(\"LiveState:Redis\"))), "
        + "ConfigurationOptions or ConnectionFactory; or register an IConnectionMultiplexer in the application's services "
        + "(as .NET Aspire's AddRedisClient does) for LiveState to use.";

    private readonly IServiceProviderIsService? _isService;

    public RedisLiveStateOptionsValidator(IServiceProvider services)
    {
        _isService = services.GetService<IServiceProviderIsService>();
    }

    public ValidateOptionsResult Validate(string? name, RedisLiveStateOptions options)
    {
        var failures = new List<string>();
        if (options.ConfigurationFailures is { } binding)
        {
            failures.AddRange(binding);
        }

        // Asked without resolving it: resolving the app's multiplexer connects, and validation must not.
        if (RedisConnection.BorrowsRegisteredMultiplexer(options) && _isService?.IsService(typeof(IConnectionMultiplexer)) != true)
        {
            failures.Add(NoConnectionMessage);
        }

        if (options.PresenceHeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"RedisLiveStateOptions.PresenceHeartbeatInterval must be positive (was {options.PresenceHeartbeatInterval}).");
        }

        if (options.PresenceTimeout <= options.PresenceHeartbeatInterval)
        {
            failures.Add($"RedisLiveStateOptions.PresenceTimeout ({options.PresenceTimeout}) must exceed PresenceHeartbeatInterval ({options.PresenceHeartbeatInterval}).");
        }

        ValidateNames(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Why: app "shop" lists its groups with the pattern "livestate:shop:group:*", which also matches every key of an
    // app named "shop:group:x" (and a purge would delete them, its Data Protection key ring included). Keys are
    // {prefix}group:{id}, {prefix}presence:{server}, {prefix}servers and {prefix}dataprotection-keys: two prefixes
    // can only overlap if one of them has a segment "group" or "presence" after a ':'. Group ids themselves may hold
    // ':' (user:alice), so the shape of a key cannot tell them apart afterwards: the names must.
    private static readonly string[] s_reservedSegments = ["group", "presence"];

    private static void ValidateNames(RedisLiveStateOptions options, List<string> failures)
    {
        if (options.ApplicationName is { } application && FirstBadCharacter(application, alsoColon: true) is { } bad)
        {
            failures.Add($"RedisLiveStateOptions.ApplicationName '{application}' contains {bad}. It names the app's Redis keys "
                + "(livestate:{ApplicationName}:...), where ':' separates parts, '{' and '}' pick a Redis Cluster slot and white "
                + "space has no place: another app's keys could be read (and purged) as this app's. Use letters, digits, '.', '-' "
                + "or '_', or set KeyPrefix.");
        }

        if (options.KeyPrefix is { } prefix)
        {
            if (!prefix.EndsWith(':'))
            {
                failures.Add($"RedisLiveStateOptions.KeyPrefix '{prefix}' must end with ':' (LiveState appends \"group:\", \"presence:\" ... to it).");
            }

            if (FirstBadCharacter(prefix, alsoColon: false) is { } badInPrefix)
            {
                failures.Add($"RedisLiveStateOptions.KeyPrefix '{prefix}' contains {badInPrefix}: '{{' and '}}' pick a Redis Cluster slot (all keys of the app would share one), and white space has no place in a key.");
            }

            foreach (var segment in prefix.Split(':'))
            {
                if (s_reservedSegments.Contains(segment, StringComparer.Ordinal))
                {
                    failures.Add($"RedisLiveStateOptions.KeyPrefix '{prefix}' has a segment '{segment}', which LiveState uses in its own keys "
                        + $"({{prefix}}{segment}:...): the keys of an app with a shorter prefix would include this app's. Choose another ApplicationName or KeyPrefix.");
                }
            }
        }

        if (options.ChannelPrefix is { } channel && FirstBadCharacter(channel, alsoColon: false) is { } badInChannel)
        {
            failures.Add($"RedisLiveStateOptions.ChannelPrefix '{channel}' contains {badInChannel}; use letters, digits, ':', '.', '-' or '_'.");
        }
    }

    private static string? FirstBadCharacter(string name, bool alsoColon)
    {
        foreach (var c in name)
        {
            if (c is '{' or '}' || (alsoColon && c == ':'))
            {
                return $"'{c}'";
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return "white space";
            }
        }

        return null;
    }
}
