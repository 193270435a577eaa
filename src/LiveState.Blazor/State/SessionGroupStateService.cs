using System.Diagnostics;
using System.Text.Json;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.State;

/// <summary>Reads and updates group state through the store, keeps the async-store cache, and re-renders groups after updates.</summary>
internal sealed class SessionGroupStateService : ISessionGroupStateService
{
    private readonly ISessionGroupStore _store;
    private readonly ILiveBroadcaster _broadcaster;
    private readonly IOptionsMonitor<LiveStateOptions> _options;

    private readonly LiveStateMetrics _metrics;
    private readonly Broadcaster _localBroadcaster;
    private readonly CircuitRegistry _localCircuits;

    public SessionGroupStateService(
        ISessionGroupStore store,
        ILiveBroadcaster broadcaster,
        IOptionsMonitor<LiveStateOptions> options,
        SlotCache cache,
        LiveStateMetrics metrics,
        Broadcaster localBroadcaster,
        CircuitRegistry localCircuits)
    {
        _store = store;
        _broadcaster = broadcaster;
        _localBroadcaster = localBroadcaster;
        _localCircuits = localCircuits;
        _options = options;
        _metrics = metrics;
        Cache = cache;
    }

    internal SlotCache Cache { get; }

    public T Get<T>(string groupId) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var key = SlotKey<T>.Value;
        if (Cache.TryGet<T>(groupId, key, out var cached))
        {
            return cached.Value;
        }

        var read = _store.GetAsync<T>(groupId, key);
        if (read.IsCompletedSuccessfully)
        {
            return read.Result?.Value ?? new T();
        }

        // A remote store: render what we have now (nothing yet), and re-render the group once it has loaded.
        // Only this server rendered without the value, so only this server re-renders once it arrives.
        Cache.LoadInBackground(groupId, key, read.AsTask(), _localBroadcaster, _localCircuits);
        return new T();
    }

    public async ValueTask<T> GetAsync<T>(string groupId, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var slot = await _store.GetAsync<T>(groupId, SlotKey<T>.Value, cancellationToken).ConfigureAwait(false);
        return slot?.Value ?? new T();
    }

    public ValueTask<T> UpdateAsync<T>(string groupId, Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var json = _options.CurrentValue.JsonSerializerOptions;
        return ApplyAsync<T>(groupId, current =>
        {
            var copy = current is null ? new T() : Copy(current, json);
            mutate(copy);
            return copy;
        }, cancellationToken);
    }

    public ValueTask<T> UpdateAsync<T>(string groupId, Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(update);
        return ApplyAsync<T>(groupId, current => update(current ?? new T()), cancellationToken);
    }

    public async ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var existed = await _store.DeleteAsync(groupId, cancellationToken).ConfigureAwait(false);
        Cache.Forget(groupId);
        await _broadcaster.BroadcastToGroupAsync(groupId, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return existed;
    }

    public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) => _store.ListGroupsAsync(cancellationToken);

    /// <summary>Applies <paramref name="update"/> to the stored value (null when absent), then re-renders the group.</summary>
    internal async ValueTask<T> ApplyAsync<T>(string groupId, Func<T?, T> update, CancellationToken cancellationToken) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var key = SlotKey<T>.Value;
        using var activity = LiveStateActivity.Source.StartActivity("LiveState update");
        if (activity is not null)
        {
            activity.SetTag("livestate.group", LiveStateActivity.GroupTag(groupId));
            activity.SetTag("livestate.slot", key);
        }

        var started = _metrics.UpdateDurationEnabled ? Stopwatch.GetTimestamp() : 0;
        SessionGroupSlot<T> slot;
        try
        {
            slot = await _store.UpdateAsync(groupId, key, update, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _metrics.Updated(started, ex.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }

        _metrics.Updated(started, errorType: null);
        activity?.SetTag("livestate.slot.version", slot.Version);
        Cache.Offer(groupId, key, slot);

        // The update is applied; the caller's token no longer cancels telling the group about it.
        await _broadcaster.BroadcastToGroupAsync(groupId, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return slot.Value;
    }

    private static T Copy<T>(T value, JsonSerializerOptions json) where T : class =>
        JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, json), json)
        ?? throw new InvalidOperationException($"{typeof(T)} did not survive a System.Text.Json round-trip; mutable state must serialize, or use an immutable record with UpdateAsync(Func<T, T>).");
}
