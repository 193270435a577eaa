using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// The app's one Redis connection: created lazily behind a semaphore, reconnecting by itself, with failures and
/// restores logged. <see cref="Restored"/> tells the backplane to catch up on what it missed. Without a connection
/// option it borrows the <see cref="IConnectionMultiplexer"/> registered in the app's services (as .NET Aspire's
/// <c>AddRedisClient</c> registers one): the container owns that one, so it is never disposed here.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly RedisLiveStateOptions _options;
    private readonly ServerIdentity _server;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;
    private bool _disposed;

    // False for a multiplexer borrowed from the app's services: its owner disposes it, not LiveState.
    private bool _owned;

    public RedisConnection(IOptions<RedisLiveStateOptions> options, ServerIdentity server, IServiceProvider services, ILogger<RedisConnection> logger)
    {
        _options = options.Value;
        _server = server;
        _services = services;
        _logger = logger;
    }

    /// <summary>Whether the options name no connection of LiveState's own, so the app's registered multiplexer is used.</summary>
    internal static bool BorrowsRegisteredMultiplexer(RedisLiveStateOptions options) =>
        string.IsNullOrWhiteSpace(options.Configuration) && options.ConfigurationOptions is null && options.ConnectionFactory is null;

    /// <summary>Whether this connection uses the app's registered multiplexer (known once connected).</summary>
    internal bool IsBorrowed => Current is not null && !_owned;

    /// <summary>Raised (on a Redis thread) when a connection that had failed is restored.</summary>
    public event Action? Restored;

    public IConnectionMultiplexer? Current => Volatile.Read(ref _multiplexer);

    /// <summary>Whether commands can be sent now.</summary>
    public bool IsConnected => Current?.IsConnected == true;

    public ValueTask<IConnectionMultiplexer> GetAsync(CancellationToken cancellationToken = default) =>
        Current is { } multiplexer ? ValueTask.FromResult(multiplexer) : new ValueTask<IConnectionMultiplexer>(ConnectAsync(cancellationToken));

    public async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();

    /// <summary>For synchronous callers (the Data Protection key repository); connects if nothing else has yet.</summary>
    public IDatabase GetDatabase() => (Current ?? ConnectAsync(CancellationToken.None).GetAwaiter().GetResult()).GetDatabase();

    private async Task<IConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_multiplexer is { } existing)
            {
                return existing;
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            using var log = new StringWriter();
            IConnectionMultiplexer multiplexer;
            var owned = !BorrowsRegisteredMultiplexer(_options);
            try
            {
                multiplexer = _options.ConnectionFactory is { } factory ? await factory(log).ConfigureAwait(false)
                    : owned ? await ConnectionMultiplexer.ConnectAsync(CreateConfiguration(), log).ConfigureAwait(false)
                    : _services.GetService<IConnectionMultiplexer>()
                        ?? throw new InvalidOperationException(RedisLiveStateOptionsValidator.NoConnectionMessage);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.ConnectFailed(_logger, ex);
                throw new LiveStateUnavailableException("Could not connect to Redis.", ex);
            }

            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
            if (!owned)
            {
                Log.UsingRegisteredMultiplexer(_logger, EndPoints(multiplexer), _server.Id);
            }
            else if (multiplexer.IsConnected)
            {
                Log.Connected(_logger, EndPoints(multiplexer), _server.Id);
            }
            else
            {
                // abortConnect=false: the multiplexer keeps trying in the background and says so when it gets there.
                Log.NotConnectedYet(_logger, EndPoints(multiplexer), log.ToString());
            }

            _owned = owned;
            Volatile.Write(ref _multiplexer, multiplexer);
            return multiplexer;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Endpoints only: the configuration string may carry a password.
    private static string EndPoints(IConnectionMultiplexer multiplexer) => string.Join(", ", multiplexer.GetEndPoints().Select(e => e.ToString()));

    internal ConfigurationOptions CreateConfiguration()
    {
        ConfigurationOptions configuration;
        if (_options.ConfigurationOptions is { } given)
        {
            configuration = given.Clone();
        }
        else
        {
            var text = _options.Configuration!;
            configuration = ConfigurationOptions.Parse(text);

            // Fail fast while disconnected: a user's click should learn at once that the update did not happen,
            // not after a queue timeout. A configuration string that asks for a backlog cannot say so, so this holds.
            configuration.BacklogPolicy = BacklogPolicy.FailFast;

            // The library's default backs off towards a minute; a web farm wants Redis back within seconds.
            configuration.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 2_000);
        }

        configuration.AbortOnConnectFail = false;

        // Keys and command arguments stay out of exception messages and their Data: a key holds a group id, and an
        // anonymous group id holds the browser's id, which no log line may carry whole.
        configuration.IncludeDetailInExceptions = false;
        configuration.ClientName ??= $"livestate-{_server.Id}";
        return configuration;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) =>
        Log.ConnectionFailed(_logger, e.EndPoint?.ToString(), e.ConnectionType, e.FailureType, e.Exception is { } exception ? RedisFailures.Scrub(exception) : null);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        Log.ConnectionRestored(_logger, e.EndPoint?.ToString(), e.ConnectionType);
        try
        {
            Restored?.Invoke();
        }
        catch (Exception ex)
        {
            Log.RestoreHandlerFailed(_logger, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_multiplexer is { } multiplexer)
            {
                multiplexer.ConnectionFailed -= OnConnectionFailed;
                multiplexer.ConnectionRestored -= OnConnectionRestored;
                if (_owned)
                {
                    await multiplexer.DisposeAsync().ConfigureAwait(false);
                }

                _multiplexer = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
