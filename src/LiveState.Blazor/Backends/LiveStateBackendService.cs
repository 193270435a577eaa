using LiveState.Blazor.Circuits;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Backends;

/// <summary>
/// Runs the scale-out backend for the host's lifetime: starts it with this server's <see cref="ILiveStateHost"/>, tells
/// it of topics and local circuit changes as they happen, and stops it with the host. Without a backend it only keeps
/// the topics (the slot cache drops the groups no circuit shows any more).
/// </summary>
internal sealed class LiveStateBackendService : IHostedService, IDisposable
{
    private readonly TopicTracker _topics;
    private readonly CircuitRegistry _circuits;
    private readonly LiveStateBackend? _backend;
    private readonly LiveStateHost _host;
    private readonly ILogger _logger;
    private bool _started;

    public LiveStateBackendService(TopicTracker topics, CircuitRegistry circuits, LiveStateHost host, ILogger<LiveStateBackendService> logger, LiveStateBackend? backend = null)
    {
        _topics = topics;
        _circuits = circuits;
        _host = host;
        _logger = logger;
        _backend = backend;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_backend is null)
        {
            _topics.Attach(static (_, _) => { });
            return;
        }

        _circuits.Changed += OnCircuitChanged;
        _topics.Attach(_backend.OnTopicChanged);
        await _backend.StartAsync(_host, cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_backend is null)
        {
            return;
        }

        _circuits.Changed -= OnCircuitChanged;
        if (_started)
        {
            _started = false;
            await _backend.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnCircuitChanged(object? sender, LiveCircuitChangedEventArgs change)
    {
        try
        {
            _backend!.OnCircuitChanged(change);
        }
        catch (Exception ex)
        {
            Log.BackendCallbackFailed(_logger, nameof(LiveStateBackend.OnCircuitChanged), ex);
        }
    }

    public void Dispose() => _circuits.Changed -= OnCircuitChanged;
}
