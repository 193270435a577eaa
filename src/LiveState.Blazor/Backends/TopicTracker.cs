using LiveState.Blazor.Circuits;
using LiveState.Blazor.Internal;
using LiveState.Blazor.State;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Backends;

/// <summary>
/// Which groups and users this server hosts (a circuit of it belongs to, or watches, the group; a circuit of it is the
/// user's), kept from the registry's changes. The backend hears when a topic starts and stops being hosted, so that it
/// routes only the messages about this server's topics here; the slot cache drops a group no circuit shows any more.
/// </summary>
internal sealed class TopicTracker : IDisposable
{
    private readonly HashSet<LiveTopic> _hosted = [];
    private readonly CircuitRegistry _registry;
    private readonly SlotCache _cache;
    private readonly ILogger _logger;
    private Action<LiveTopic, bool>? _changed;

    public TopicTracker(CircuitRegistry registry, SlotCache cache, ILogger<TopicTracker> logger)
    {
        _registry = registry;
        _cache = cache;
        _logger = logger;
        _registry.Changed += OnCircuitChanged;
        _registry.WatchedGroupChanged += OnWatchedGroupChanged;
    }

    /// <summary>The topics hosted now (a snapshot).</summary>
    public IReadOnlyCollection<LiveTopic> Topics
    {
        get
        {
            lock (_hosted)
            {
                return [.. _hosted];
            }
        }
    }

    /// <summary>Starts telling <paramref name="changed"/> of topics as they start and stop being hosted, beginning with those hosted already.</summary>
    public void Attach(Action<LiveTopic, bool> changed)
    {
        lock (_hosted)
        {
            _changed = changed;
            foreach (var circuit in _registry.GetAll())
            {
                foreach (var topic in TopicsOf(circuit.Identity))
                {
                    Update(topic);
                }
            }
        }
    }

    private void OnCircuitChanged(object? sender, LiveCircuitChangedEventArgs change)
    {
        if (change.Kind is LiveCircuitChangeKind.Disconnected or LiveCircuitChangeKind.Reconnected)
        {
            return;
        }

        lock (_hosted)
        {
            foreach (var topic in TopicsOf(change.Circuit.Identity))
            {
                Update(topic);
            }

            if (change.PreviousIdentity is { } previous)
            {
                foreach (var topic in TopicsOf(previous))
                {
                    Update(topic);
                }
            }
        }
    }

    private void OnWatchedGroupChanged(string groupId)
    {
        lock (_hosted)
        {
            Update(LiveTopic.Group(groupId));
        }
    }

    // Under the lock: compares what the registry says now with what was last told, so events that arrive out of order
    // still leave the last word right.
    private void Update(LiveTopic topic)
    {
        var hosted = topic.Kind == LiveTopicKind.Group
            ? _registry.CircuitsOfGroup(topic.Id).Length > 0 || _registry.CircuitsWatching(topic.Id).Length > 0
            : _registry.CircuitsOfUser(topic.Id).Length > 0;
        if (hosted ? !_hosted.Add(topic) : !_hosted.Remove(topic))
        {
            return;
        }

        if (!hosted && topic.Kind == LiveTopicKind.Group)
        {
            // No circuit here shows the group any more: what the cache holds of it would only go stale.
            _cache.Forget(topic.Id);
        }

        try
        {
            _changed?.Invoke(topic, hosted);
        }
        catch (Exception ex)
        {
            Log.BackendCallbackFailed(_logger, nameof(LiveStateBackend.OnTopicChanged), ex);
        }
    }

    private static IEnumerable<LiveTopic> TopicsOf(LiveIdentity identity)
    {
        yield return LiveTopic.Group(identity.GroupId);
        foreach (var membership in identity.Memberships)
        {
            yield return LiveTopic.Group(membership);
        }

        if (identity.UserId is { } userId)
        {
            yield return LiveTopic.User(userId);
        }
    }

    public void Dispose()
    {
        _registry.Changed -= OnCircuitChanged;
        _registry.WatchedGroupChanged -= OnWatchedGroupChanged;
    }
}
