using LiveState.Blazor.Circuits;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Broadcasting;

/// <summary>Delivers broadcasts to the circuits of this server.</summary>
internal sealed class Broadcaster : ILiveBroadcaster
{
    private readonly CircuitRegistry _registry;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly ILogger _logger;

    public Broadcaster(CircuitRegistry registry, IOptionsMonitor<LiveStateOptions> options, ILogger<Broadcaster> logger)
    {
        _registry = registry;
        _options = options;
        _logger = logger;
    }

    public ValueTask<int> BroadcastAsync(Func<LiveCircuitInfo, bool> filter, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var batch = new DeliveryBatch(this, exceptCircuitId);
        foreach (var circuit in _registry.AllCircuits())
        {
            if (filter(circuit.Info))
            {
                batch.Start(circuit);
            }
        }

        return batch.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToUsersAsync(IEnumerable<string> userIds, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var batch = new DeliveryBatch(this, exceptCircuitId);
        HashSet<string>? seen = null;
        string? first = null;
        foreach (var userId in userIds)
        {
            ArgumentNullException.ThrowIfNull(userId, nameof(userIds));

            // A circuit has one user, so distinct users never share a circuit; only repeated ids need care.
            if (first is null)
            {
                first = userId;
            }
            else if (!(seen ??= new HashSet<string>(StringComparer.Ordinal) { first }).Add(userId))
            {
                continue;
            }

            batch.StartAll(_registry.CircuitsOfUser(userId));
        }

        return batch.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToGroupAsync(string groupId, string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        var batch = new DeliveryBatch(this, exceptCircuitId);
        batch.StartAll(_registry.CircuitsOfGroup(groupId));
        return batch.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToAllAsync(string? exceptCircuitId = null, CancellationToken cancellationToken = default)
    {
        var batch = new DeliveryBatch(this, exceptCircuitId);
        foreach (var circuit in _registry.AllCircuits())
        {
            batch.Start(circuit);
        }

        return batch.CompleteAsync(cancellationToken);
    }

    public ValueTask<int> BroadcastToCircuitAsync(string circuitId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(circuitId);
        var batch = new DeliveryBatch(this, exceptCircuitId: null);
        if (_registry.FindCircuit(circuitId) is { } circuit)
        {
            batch.Start(circuit);
        }

        return batch.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// One broadcast's deliveries. Each render is dispatched on the thread pool, so a circuit whose render runs
    /// inline (an idle dispatcher) and takes long never holds up the next one.
    /// </summary>
    private struct DeliveryBatch
    {
        private readonly Broadcaster _owner;
        private readonly string? _except;
        private int _reached;
        private List<(LiveCircuit Circuit, Task Render)>? _pending;

        public DeliveryBatch(Broadcaster owner, string? exceptCircuitId)
        {
            _owner = owner;
            _except = exceptCircuitId;
        }

        public void StartAll(LiveCircuit[] circuits)
        {
            foreach (var circuit in circuits)
            {
                Start(circuit);
            }
        }

        public void Start(LiveCircuit circuit)
        {
            if (_except is not null && string.Equals(circuit.Id, _except, StringComparison.Ordinal))
            {
                return;
            }

            var targets = circuit.Targets;
            if (targets.Length == 0)
            {
                return;
            }

            if (!circuit.TryClaimRender())
            {
                // A render is queued and has not started: it will show this change too.
                _reached++;
                return;
            }

            (_pending ??= []).Add((circuit, Task.Run(() => Render(circuit))));
        }

        private static Task Render(LiveCircuit circuit)
        {
            var targets = circuit.Targets;
            if (targets.Length == 1)
            {
                return targets[0].RenderAsync(circuit);
            }

            var renders = new Task[targets.Length];
            for (var i = 0; i < targets.Length; i++)
            {
                renders[i] = targets[i].RenderAsync(circuit);
            }

            return Task.WhenAll(renders);
        }

        public readonly ValueTask<int> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_pending is null)
            {
                return ValueTask.FromResult(_reached);
            }

            return WaitAsync(_owner, _pending, _reached, cancellationToken);
        }

        private static async ValueTask<int> WaitAsync(Broadcaster owner, List<(LiveCircuit Circuit, Task Render)> pending, int reached, CancellationToken cancellationToken)
        {
            var timeout = owner._options.CurrentValue.DeliveryTimeout;
            var all = pending.Count == 1 ? pending[0].Render : Task.WhenAll(pending.ConvertAll(static p => p.Render));
            try
            {
                await all.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception)
            {
                // Sorted out per circuit below: failures and slow circuits are logged, the rest counted.
            }

            foreach (var (circuit, render) in pending)
            {
                if (render.IsCompletedSuccessfully)
                {
                    reached++;
                }
                else if (render.IsCompleted)
                {
                    circuit.RenderAbandoned();
                    Log.DeliveryFailed(owner._logger, circuit.Id, render.Exception?.GetBaseException());
                }
                else
                {
                    Log.DeliverySlow(owner._logger, circuit.Id, timeout);

                    // If it fails later, free the circuit for the next broadcast and observe the exception.
                    _ = render.ContinueWith(
                        static (task, state) => ((LiveCircuit)state!).RenderAbandoned(),
                        circuit,
                        CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }

            return reached;
        }
    }
}
