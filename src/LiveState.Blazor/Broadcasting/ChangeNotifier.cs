using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Broadcasting;

/// <summary>
/// Tells the circuits that read a slot or a group's presence that it changed. The core's notifier reaches this
/// server's circuits; a scale-out backend replaces it with one that also tells the other servers.
/// </summary>
internal interface IChangeNotifier
{
    /// <summary>Slot <paramref name="slotKey"/> of <paramref name="groupId"/> changed (null: every slot, as after a delete). Completes when this server's readers rendered.</summary>
    ValueTask SlotChangedAsync(string groupId, string? slotKey, CancellationToken cancellationToken = default);

    /// <summary>Slot <paramref name="slotKey"/> of <paramref name="groupId"/> was updated to <paramref name="slot"/>.</summary>
    ValueTask SlotChangedAsync<T>(string groupId, SessionGroupSlot<T> slot, string slotKey, CancellationToken cancellationToken = default)
        where T : class => SlotChangedAsync(groupId, slotKey, cancellationToken);

    /// <summary>The circuits of <paramref name="groupId"/> changed. Presence renders are coalesced per group (see <see cref="LiveStateOptions.PresenceUpdateInterval"/>).</summary>
    ValueTask PresenceChangedAsync(string groupId);
}

/// <summary>
/// Re-renders this server's readers of a changed slot or presence. Presence changes of one group are coalesced: the
/// first of a quiet group renders at once, those within <see cref="LiveStateOptions.PresenceUpdateInterval"/> after it
/// render together once the interval ends, so a browser opening a thousand tabs costs renders in proportion to the
/// tabs times the windows, not to the square of the tabs.
/// </summary>
internal sealed class LocalChangeNotifier : IChangeNotifier, IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PresenceWindow> _windows = new(StringComparer.Ordinal);
    private readonly Broadcaster _broadcaster;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILiveStateObserver[] _observers;
    private bool _disposed;

    public LocalChangeNotifier(Broadcaster broadcaster, IOptionsMonitor<LiveStateOptions> options, TimeProvider time, ILogger<LocalChangeNotifier> logger, IEnumerable<ILiveStateObserver>? observers = null)
    {
        _broadcaster = broadcaster;
        _options = options;
        _time = time;
        _logger = logger;
        _observers = observers?.ToArray() ?? [];
    }

    /// <summary>Groups whose presence window is open (tests look).</summary>
    internal int OpenWindows => _windows.Count;

    public async ValueTask SlotChangedAsync(string groupId, string? slotKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var started = _observers.Length > 0 ? _time.GetTimestamp() : 0;
        var reached = await _broadcaster.NotifyAsync(new LiveChange(LiveChangeKind.Slot, groupId, slotKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        Observe(LiveRenderCause.SlotChanged, groupId, slotKey, reached, started);
    }

    public ValueTask PresenceChangedAsync(string groupId)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var interval = _options.CurrentValue.PresenceUpdateInterval;
        if (interval <= TimeSpan.Zero || _disposed)
        {
            return RenderPresenceAsync(groupId);
        }

        while (true)
        {
            if (_windows.TryGetValue(groupId, out var open))
            {
                lock (open)
                {
                    if (!open.Closed)
                    {
                        // Rendered at the end of the window, with whatever else changed meanwhile.
                        open.Dirty = true;
                        return ValueTask.CompletedTask;
                    }
                }

                // Closing as we looked: it is being removed; open a new one.
                _windows.TryRemove(new KeyValuePair<string, PresenceWindow>(groupId, open));
                continue;
            }

            var window = new PresenceWindow(groupId);
            if (_windows.TryAdd(groupId, window))
            {
                lock (window)
                {
                    // The callback waits for this lock, so it always sees the timer set.
                    window.Timer = _time.CreateTimer(
                        static state =>
                        {
                            var (self, ended) = ((LocalChangeNotifier, PresenceWindow))state!;
                            self.OnWindowEnd(ended);
                        },
                        (this, window),
                        interval,
                        Timeout.InfiniteTimeSpan);
                }

                return RenderPresenceAsync(groupId);
            }
        }
    }

    private ValueTask RenderPresenceAsync(string groupId)
    {
        var started = _observers.Length > 0 ? _time.GetTimestamp() : 0;
        var delivery = _broadcaster.NotifyAsync(LiveChange.Presence(groupId));
        if (delivery.IsCompletedSuccessfully)
        {
            Observe(LiveRenderCause.PresenceChanged, groupId, slotKey: null, delivery.Result, started);
            return ValueTask.CompletedTask;
        }

        return ObservedAsync(delivery, groupId, started);
    }

    private async ValueTask ObservedAsync(ValueTask<int> delivery, string groupId, long started)
    {
        var reached = await delivery.ConfigureAwait(false);
        Observe(LiveRenderCause.PresenceChanged, groupId, slotKey: null, reached, started);
    }

    private void Observe(LiveRenderCause cause, string groupId, string? slotKey, int reached, long started)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var delivery = new LiveRenderEvent(cause, groupId, slotKey, Backends.LiveTargetKind.Group, [], null, reached, _time.GetElapsedTime(started));
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnRendered(delivery);
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }

    private void OnWindowEnd(PresenceWindow window)
    {
        bool render;
        lock (window)
        {
            render = window.Dirty && !_disposed;
            window.Dirty = false;
            if (render)
            {
                // Changes kept coming: render them, and keep the window open for one more interval.
                window.Timer!.Change(_options.CurrentValue.PresenceUpdateInterval, Timeout.InfiniteTimeSpan);
            }
            else
            {
                window.Closed = true;
                window.Timer!.Dispose();
            }
        }

        if (!render)
        {
            _windows.TryRemove(new KeyValuePair<string, PresenceWindow>(window.GroupId, window));
            return;
        }

        _ = ObserveAsync(window.GroupId);
    }

    private async Task ObserveAsync(string groupId)
    {
        try
        {
            await RenderPresenceAsync(groupId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.PresenceRenderFailed(_logger, ex);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var window in _windows.Values)
        {
            lock (window)
            {
                window.Closed = true;
                window.Timer?.Dispose();
            }
        }

        _windows.Clear();
    }

    private sealed class PresenceWindow(string groupId)
    {
        public string GroupId { get; } = groupId;

        public ITimer? Timer { get; set; }

        public bool Dirty { get; set; }

        public bool Closed { get; set; }
    }
}
