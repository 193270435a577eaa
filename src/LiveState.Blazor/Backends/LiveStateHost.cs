using System.Diagnostics.CodeAnalysis;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Backends;

/// <summary>The core's side of the seam: what a backend sees of this server, and where it hands what arrives.</summary>
internal sealed class LiveStateHost : ILiveStateHost
{
    private readonly CircuitRegistry _circuits;
    private readonly Broadcaster _local;
    private readonly LocalChangeNotifier _notifier;
    private readonly SlotCache _cache;
    private readonly TopicTracker _topics;
    private readonly IOptionsMonitor<LiveStateOptions> _options;

    public LiveStateHost(CircuitRegistry circuits, Broadcaster local, LocalChangeNotifier notifier, SlotCache cache, TopicTracker topics, IOptionsMonitor<LiveStateOptions> options)
    {
        _circuits = circuits;
        _local = local;
        _notifier = notifier;
        _cache = cache;
        _topics = topics;
        _options = options;
    }

    public ILiveCircuitRegistry LocalCircuits => _circuits;

    public IReadOnlyCollection<LiveTopic> Topics => _topics.Topics;

    public async ValueTask<int> DeliverAsync(LiveMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == LiveMessageKind.SlotChanged)
        {
            _cache.ApplyRemote(message.GroupId!, message.SlotKey, message.Version, message.Payload, _options.CurrentValue.JsonSerializerOptions);
            return await _local.NotifyAsync(new LiveChange(LiveChangeKind.Slot, message.GroupId, message.SlotKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        switch (message.Target)
        {
            case LiveTargetKind.All:
                return await _local.BroadcastToAllAsync(message.ExceptCircuitId, cancellationToken).ConfigureAwait(false);
            case LiveTargetKind.Group:
                return await _local.BroadcastToGroupAsync(message.GroupId!, message.ExceptCircuitId, cancellationToken).ConfigureAwait(false);
            case LiveTargetKind.Users:
                return await _local.BroadcastToUsersAsync(message.Ids, message.ExceptCircuitId, cancellationToken).ConfigureAwait(false);
            case LiveTargetKind.Circuits:
                var count = 0;
                foreach (var circuitId in message.Ids)
                {
                    if (!string.Equals(circuitId, message.ExceptCircuitId, StringComparison.Ordinal) && _circuits.FindCircuit(circuitId) is not null)
                    {
                        count += await _local.BroadcastToCircuitAsync(circuitId, cancellationToken).ConfigureAwait(false);
                    }
                }

                return count;
            default:
                // A filter is decided where it was sent from, and arrives as circuits.
                return 0;
        }
    }

    public bool TryGetCached<T>(string groupId, string slotKey, [NotNullWhen(true)] out SessionGroupSlot<T>? slot) where T : class
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(slotKey);
        return _cache.TryGet(groupId, slotKey, out slot);
    }

    public ValueTask PresenceChangedAsync(string groupId) => _notifier.PresenceChangedAsync(groupId);

    public async ValueTask ResyncAsync(CancellationToken cancellationToken = default)
    {
        foreach (var topic in _topics.Topics)
        {
            if (topic.Kind == LiveTopicKind.Group)
            {
                await ForgetAsync(topic.Id, cancellationToken).ConfigureAwait(false);
                await _notifier.PresenceChangedAsync(topic.Id).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask ForgetAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        _cache.Forget(groupId);
        await _notifier.SlotChangedAsync(groupId, slotKey: null, cancellationToken).ConfigureAwait(false);
    }
}
