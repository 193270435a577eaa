using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Diagnostics;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.State;

/// <summary>
/// Reads and updates group state through the store, keeps the async-store cache, and tells the readers of a slot when
/// it changed (<see cref="IChangeNotifier"/>).
/// </summary>
internal sealed class SessionGroupStateService : ISessionGroupStateService
{
    private readonly ISessionGroupStore _store;
    private readonly IChangeNotifier _notifier;
    private readonly LiveStateMetrics _metrics;
    private readonly Broadcaster _localBroadcaster;
    private readonly CircuitRegistry _localCircuits;
    private readonly DispatcherIndex _dispatchers;

    public SessionGroupStateService(
        ISessionGroupStore store,
        IChangeNotifier notifier,
        IOptionsMonitor<LiveStateOptions> options,
        SlotCache cache,
        LiveStateMetrics metrics,
        Broadcaster localBroadcaster,
        CircuitRegistry localCircuits,
        DispatcherIndex dispatchers)
    {
        _dispatchers = dispatchers;
        _store = store;
        _notifier = notifier;
        _json = options.CurrentValue.JsonSerializerOptions;
        _ = options.OnChange(o => _json = o.JsonSerializerOptions); // both singletons: the listener lives as long as the monitor
        _metrics = metrics;
        _localBroadcaster = localBroadcaster;
        _localCircuits = localCircuits;
        Cache = cache;
    }

    internal SlotCache Cache { get; }

    // Read on every Get; IOptionsMonitor.CurrentValue is a dictionary lookup each time, so it is kept, and replaced when
    // the options change.
    private volatile JsonSerializerOptions _json;

    private JsonSerializerOptions Json => _json;

    public T Get<T>(string groupId) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        SlotTypeCheck.Ensure<T>(Json);
        var key = SlotKey<T>.Value;
        if (Cache.TryGet<T>(groupId, key, out var cached))
        {
            // A group no circuit here shows (read by id, not watched) is not kept current by other servers' messages:
            // serve what is cached and check for newer in the background; the asking circuit re-renders if there is.
            if (!SlotCache.IsShown(_localCircuits, groupId))
            {
                Cache.LoadInBackground(groupId, key, Read, Read, _dispatchers.Current, cached.Version, _localBroadcaster, _localCircuits);
            }

            return cached.Value;
        }

        var read = _store.GetAsync<T>(groupId, key);
        if (read.IsCompletedSuccessfully)
        {
            return read.Result?.Value ?? new T();
        }

        // A remote store: render what we have now (nothing yet), and re-render the readers here and the circuit that
        // asked once it has loaded.
        Cache.LoadInBackground(groupId, key, read.AsTask, Read, _dispatchers.Current, known: 0, _localBroadcaster, _localCircuits);
        return new T();

        Task<SessionGroupSlot<T>?> Read() => _store.GetAsync<T>(groupId, key).AsTask();
    }

    public async ValueTask<T> GetAsync<T>(string groupId, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        SlotTypeCheck.Ensure<T>(Json);
        var slot = await _store.GetAsync<T>(groupId, SlotKey<T>.Value, cancellationToken).ConfigureAwait(false);
        return slot?.Value ?? new T();
    }

    public Task<T> MutateAsync<T>(string groupId, Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        ArgumentNullException.ThrowIfNull(mutate);
        var json = Json;
        SlotTypeCheck.Ensure<T>(json);

        // Copy and mutate the snapshot this server knows before the store's lock (the copy costs in proportion to the
        // slot's size): under the lock there is then only a reference comparison, unless another update got there first,
        // in which case the copy is made again from what it left.
        var known = Known<T>(groupId);
        T? prepared = null;
        if (known.Known)
        {
            try
            {
                prepared = Mutated(known.Value, mutate, json);
            }
            catch (Exception)
            {
                // Not applied: the update below runs it again against the stored value, where a failure counts and throws.
                prepared = null;
            }
        }

        return ApplyAsync<T>(
            groupId,
            current => prepared is not null && ReferenceEquals(current, known.Value) ? prepared : Mutated(current, mutate, json),
            cancellationToken).AsTask();
    }

    public Task<T> ReplaceAsync<T>(string groupId, Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(update);
        SlotTypeCheck.Ensure<T>(Json);
        return ApplyAsync<T>(groupId, current => update(current ?? new T()), cancellationToken).AsTask();
    }

    [Obsolete("Use MutateAsync.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask<T> UpdateAsync<T>(string groupId, Action<T> mutate, CancellationToken cancellationToken = default) where T : class, new() =>
        new(MutateAsync(groupId, mutate, cancellationToken));

    [Obsolete("Use ReplaceAsync.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask<T> UpdateAsync<T>(string groupId, Func<T, T> update, CancellationToken cancellationToken = default) where T : class, new() =>
        new(ReplaceAsync(groupId, update, cancellationToken));

    public async ValueTask<bool> DeleteAsync(string groupId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var existed = await _store.DeleteAsync(groupId, cancellationToken).ConfigureAwait(false);
        Cache.Forget(groupId);
        await _notifier.SlotChangedAsync(groupId, slotKey: null, CancellationToken.None).ConfigureAwait(false);
        return existed;
    }

    public IAsyncEnumerable<string> ListGroupsAsync(CancellationToken cancellationToken = default) => _store.ListGroupsAsync(cancellationToken);

    /// <summary>Applies <paramref name="update"/> to the stored value (null when absent), then re-renders the slot's readers.</summary>
    internal async ValueTask<T> ApplyAsync<T>(string groupId, Func<T?, T> update, CancellationToken cancellationToken) where T : class, new()
    {
        var slot = await ApplySlotAsync(groupId, update, cancellationToken).ConfigureAwait(false);
        return slot.Value;
    }

    /// <summary>As <see cref="ApplyAsync{T}"/>, returning the slot as stored (with its version).</summary>
    internal async ValueTask<SessionGroupSlot<T>> ApplySlotAsync<T>(string groupId, Func<T?, T> update, CancellationToken cancellationToken) where T : class, new()
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

        // The update is applied; the caller's token no longer cancels telling the readers about it.
        await _notifier.SlotChangedAsync(groupId, slot, key, CancellationToken.None).ConfigureAwait(false);
        return slot;
    }

    /// <summary>The snapshot this server holds without waiting (the cache, or the in-memory store); Known is false when it would have to ask a remote store.</summary>
    private (bool Known, T? Value) Known<T>(string groupId) where T : class
    {
        var key = SlotKey<T>.Value;
        if (Cache.TryGet<T>(groupId, key, out var cached))
        {
            return (true, cached.Value);
        }

        // Only the in-memory store answers without I/O; a read from any other would be a round trip thrown away.
        if (_store is not InMemorySessionGroupStore memory)
        {
            return (false, null);
        }

        var read = memory.GetAsync<T>(groupId, key);
        return read.IsCompletedSuccessfully ? (true, read.Result?.Value) : (false, null);
    }

    private static T Mutated<T>(T? current, Action<T> mutate, JsonSerializerOptions json) where T : class, new()
    {
        var copy = current is null ? new T() : Copy(current, json);
        mutate(copy);
        return copy;
    }

    private static T Copy<T>(T value, JsonSerializerOptions json) where T : class =>
        JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, json), json)
        ?? throw new InvalidOperationException($"{typeof(T)} did not survive a System.Text.Json round-trip; mutable state must serialize, or use an immutable record with ReplaceAsync.");
}
