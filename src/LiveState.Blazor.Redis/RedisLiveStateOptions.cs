using StackExchange.Redis;

namespace LiveState.Blazor.Redis;

/// <summary>
/// Options of LiveState's Redis backend, set through <c>AddLiveState().AddRedis(options =&gt; ...)</c> or bound from
/// configuration with <c>AddRedis(builder.Configuration.GetSection("LiveState:Redis"))</c> (every option but
/// <see cref="ConfigurationOptions"/> and <see cref="ConnectionFactory"/>, which are made in code).
/// Set one of <see cref="Configuration"/>, <see cref="ConfigurationOptions"/> or <see cref="ConnectionFactory"/>, or
/// none to use the <c>IConnectionMultiplexer</c> registered in the app's services (as .NET Aspire registers one).
/// </summary>
/// <remarks>
/// Every server of one application must use the same <see cref="ApplicationName"/> (or the same prefixes):
/// that is what makes them share state, broadcasts, presence and Data Protection keys. Two applications with
/// different names can share one Redis without seeing each other.
/// </remarks>
public sealed class RedisLiveStateOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c> or
    /// <c>redis.internal:6379,password=...,ssl=true</c>. Unless the string says otherwise, LiveState connects with
    /// <c>abortConnect=false</c> (reconnect in the background), fails commands at once while disconnected (so an
    /// update fails fast instead of waiting), and retries the connection at least every two seconds. Exception texts
    /// never carry keys or command arguments (<see cref="ConfigurationOptions.IncludeDetailInExceptions"/> false).
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>
    /// Configuration as an object, used instead of <see cref="Configuration"/> when set; code only (configuration
    /// cannot bind it). It is cloned and used as
    /// given, except that <see cref="ConfigurationOptions.AbortOnConnectFail"/> and
    /// <see cref="ConfigurationOptions.IncludeDetailInExceptions"/> are always false (LiveState's keys hold group
    /// ids, and an anonymous group id holds the browser's id: no exception text may carry one).
    /// </summary>
    public ConfigurationOptions? ConfigurationOptions { get; set; }

    /// <summary>
    /// Creates the connection instead of <see cref="Configuration"/> (a connection made your way, or in tests); code
    /// only (configuration cannot bind it). It receives a writer for the connection log. The multiplexer it returns is
    /// LiveState's: it is disposed with the application's services. To share a multiplexer the app registered in its
    /// services, which LiveState must not dispose, set no connection option at all. Configure it with
    /// <see cref="ConfigurationOptions.IncludeDetailInExceptions"/> false, as LiveState does its own, so that no Redis
    /// exception text carries a key (and with it a group id).
    /// </summary>
    public Func<TextWriter, Task<IConnectionMultiplexer>>? ConnectionFactory { get; set; }

    /// <summary>
    /// The application's name: the default of <see cref="KeyPrefix"/> and <see cref="ChannelPrefix"/> and the Data
    /// Protection application name. Default: the host's application name (the entry assembly's name). It may not
    /// hold ':', '{', '}' or white space (the app refuses to start): otherwise one app's keys could look like
    /// another's (<c>shop</c> and <c>shop:group:x</c>).
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>
    /// The prefix of every Redis key LiveState writes. Default <c>livestate:{ApplicationName}:</c>. It must end with
    /// ':', may not hold '{', '}' or white space, and no part of it between ':' may be <c>group</c> or
    /// <c>presence</c> (LiveState's own key parts), so that no two apps' keys can overlap.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>The prefix of the pub/sub channel LiveState uses. Default: <see cref="KeyPrefix"/>.</summary>
    public string? ChannelPrefix { get; set; }

    /// <summary>How often each server confirms to the others that it and its circuits are alive. Default 2 seconds.</summary>
    public TimeSpan PresenceHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a server may stay silent before the others drop its circuits from presence (it crashed or lost
    /// Redis). Must exceed <see cref="PresenceHeartbeatInterval"/>. Default 6 seconds (three heartbeats).
    /// </summary>
    public TimeSpan PresenceTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Keep ASP.NET Core Data Protection keys in Redis (under <see cref="KeyPrefix"/>) and set the Data Protection
    /// application name to <see cref="ApplicationName"/>, so a browser cookie sealed by one server unseals on
    /// every server. Default true; set false to configure Data Protection key sharing yourself.
    /// </summary>
    public bool ShareDataProtectionKeys { get; set; } = true;

    // What binding from configuration could not set (a bad value, an unknown or unbindable key), each naming the
    // option; reported by the validator when the app starts, with the other failures.
    internal List<string>? ConfigurationFailures { get; set; }
}
