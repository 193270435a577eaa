using System.Text.Json;
using LiveState.Blazor.State;

namespace LiveState.Blazor;

/// <summary>What a <see cref="ILiveSignInHandler"/> gets: who signed in, the browser's anonymous group, and state access.</summary>
public sealed class LiveSignInContext
{
    private readonly SessionGroupStateService _states;
    private readonly ISessionGroupStore _store;
    private readonly JsonSerializerOptions _json;

    internal LiveSignInContext(LiveIdentity user, string anonymousGroupId, string circuitId, SessionGroupStateService states, ISessionGroupStore store, JsonSerializerOptions json)
    {
        User = user;
        AnonymousGroupId = anonymousGroupId;
        CircuitId = circuitId;
        _states = states;
        _store = store;
        _json = json;
    }

    /// <summary>The signed-in identity; its group receives the carried state.</summary>
    public LiveIdentity User { get; }

    /// <summary>The group this browser had while anonymous (<see cref="LiveIdentity.BrowserGroup"/> of its browser id).</summary>
    public string AnonymousGroupId { get; }

    /// <summary>The circuit that triggered the call.</summary>
    public string CircuitId { get; }

    /// <summary>Reads and updates any group's state.</summary>
    public ISessionGroupStateService States => _states;

    /// <summary>
    /// Moves the anonymous slot of <typeparamref name="T"/> into the user's: atomically takes the anonymous value
    /// (leaving a fresh <typeparamref name="T"/> behind), and if it held anything, stores
    /// <c>merge(anonymous, user)</c> in the user's group. Safe to call on every sign-in: an empty or already carried
    /// slot changes nothing.
    /// </summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="merge">Combines the anonymous value with the user's current one; returns the user's new value without mutating either.</param>
    /// <param name="cancellationToken">Cancels the move before it starts.</param>
    /// <returns>Whether anything was carried.</returns>
    public async ValueTask<bool> CarryOverAsync<T>(Func<T, T, T> merge, CancellationToken cancellationToken = default) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(merge);
        var key = SlotKey<T>.Value;
        var existing = await _store.GetAsync<T>(AnonymousGroupId, key, cancellationToken).ConfigureAwait(false);
        var empty = JsonSerializer.SerializeToUtf8Bytes(new T(), _json);
        if (existing is null || IsEmpty(existing.Value, empty))
        {
            return false;
        }

        // Take the value atomically, so two tabs signing in at once never carry it twice.
        T? taken = null;
        await _states.ApplyAsync<T>(AnonymousGroupId, current =>
        {
            taken = current;
            return new T();
        }, cancellationToken).ConfigureAwait(false);
        if (taken is null || IsEmpty(taken, empty))
        {
            return false;
        }

        await _states.ReplaceAsync<T>(User.GroupId, user => merge(taken, user), CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    private bool IsEmpty<T>(T value, byte[] empty) where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(value, _json).AsSpan().SequenceEqual(empty);
}
