using System.Text.Json;
using LiveState.Blazor.Sessions;
using LiveState.Blazor.State;

namespace LiveState.Blazor;

/// <summary>What a <see cref="ILiveSignInHandler"/> gets: who signed in, the browser's anonymous group, and state access.</summary>
public sealed class LiveSignInContext
{
    private readonly SessionGroupStateService _states;
    private readonly ISessionGroupStore _store;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _time;

    internal LiveSignInContext(LiveIdentity user, string anonymousGroupId, string circuitId, SessionGroupStateService states, ISessionGroupStore store, JsonSerializerOptions json, TimeProvider time)
    {
        _time = time;
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
    /// Moves the anonymous slot of <typeparamref name="T"/> into the user's: stores <c>merge(anonymous, user)</c> in the
    /// user's group first, and only then clears the anonymous slot, if it still holds what was merged. Safe to call on
    /// every sign-in: an empty or already carried slot changes nothing, and tabs signing in at once carry it once.
    /// </summary>
    /// <remarks>
    /// The anonymous value is never lost: if the merge throws, or the store fails between the two steps, the anonymous
    /// slot keeps its value (and the next sign-in carries it). The price of that order: a server that stops between the
    /// merge and the clear leaves the value in both groups, and a sign-in after the claim expires (a minute) carries it
    /// again, so <paramref name="merge"/> should tolerate seeing an item twice (merge by id, not by appending).
    /// </remarks>
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

        // Claim the slot, so that two tabs signing in at once never carry it twice.
        var claimId = Guid.NewGuid().ToString("N");
        var now = _time.GetUtcNow();
        var claimed = false;
        await _states.ApplyAsync<CarryOverClaims>(AnonymousGroupId, current =>
        {
            claimed = false;
            var claims = current ?? new CarryOverClaims();
            if (claims.IsClaimed(key, now))
            {
                return claims;
            }

            claimed = true;
            var next = new CarryOverClaims { Claims = new(claims.Claims, StringComparer.Ordinal) };
            next.Claims[key] = new CarryOverClaims.Claim { Id = claimId, Expires = now + ClaimLifetime };
            return next;
        }, cancellationToken).ConfigureAwait(false);
        if (!claimed)
        {
            return false;
        }

        try
        {
            // Read again under the claim: another tab may have carried it just before this one claimed.
            var value = (await _store.GetAsync<T>(AnonymousGroupId, key, CancellationToken.None).ConfigureAwait(false))?.Value;
            if (value is null || IsEmpty(value, empty))
            {
                return false;
            }

            // Merge first: until the user's group holds the value, the anonymous one stays where it is.
            await _states.ReplaceAsync<T>(User.GroupId, user => merge(value, user), CancellationToken.None).ConfigureAwait(false);

            // Then clear the anonymous slot, unless it changed meanwhile (a tab still anonymous added to it): what it
            // holds then is not what was merged, and stays for the next sign-in to carry.
            var merged = JsonSerializer.SerializeToUtf8Bytes(value, _json);
            await _states.ApplyAsync<T>(AnonymousGroupId, current =>
                current is not null && JsonSerializer.SerializeToUtf8Bytes(current, _json).AsSpan().SequenceEqual(merged) ? new T() : current ?? new T(),
                CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        finally
        {
            await ReleaseAsync(key, claimId).ConfigureAwait(false);
        }
    }

    /// <summary>How long a claim holds when its server never releases it (it stopped mid-way).</summary>
    internal static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(1);

    private async Task ReleaseAsync(string key, string claimId)
    {
        try
        {
            await _states.ApplyAsync<CarryOverClaims>(AnonymousGroupId, current =>
            {
                if (current is null || !current.Claims.TryGetValue(key, out var claim) || claim.Id != claimId)
                {
                    return current ?? new CarryOverClaims();
                }

                var next = new CarryOverClaims { Claims = new(current.Claims, StringComparer.Ordinal) };
                next.Claims.Remove(key);
                return next;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The store is failing: the claim expires by itself.
        }
    }

    private bool IsEmpty<T>(T value, byte[] empty) where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(value, _json).AsSpan().SequenceEqual(empty);
}
