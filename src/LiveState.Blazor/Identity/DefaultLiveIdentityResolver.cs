using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor;

/// <summary>
/// The default <see cref="ILiveIdentityResolver"/>: a signed-in user shares <c>user:{id}</c> across tabs and
/// devices; an anonymous browser shares <see cref="LiveIdentity.BrowserGroup"/> (<c>browser:</c> and a hash of its id) across its tabs.
/// </summary>
/// <remarks>
/// The user id comes from <see cref="LiveStateOptions.UserIdClaimType"/>, falling back to
/// <see cref="ClaimTypes.Name"/>. A principal with neither a user id nor a browser id (cookies refused)
/// gets a private group of its own, so it shares with nobody.
/// </remarks>
public class DefaultLiveIdentityResolver : ILiveIdentityResolver
{
    private readonly IOptionsMonitor<LiveStateOptions> _options;

    /// <summary>Creates the resolver.</summary>
    /// <param name="options">LiveState options (the user id claim type).</param>
    public DefaultLiveIdentityResolver(IOptionsMonitor<LiveStateOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public virtual ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = FindUserId(user, _options.CurrentValue.UserIdClaimType);
        if (userId is not null)
        {
            return ValueTask.FromResult(new LiveIdentity(LiveIdentity.UserGroup(userId), userId));
        }

        var browserId = FindBrowserId(user);
        if (browserId is not null)
        {
            return ValueTask.FromResult(new LiveIdentity(LiveIdentity.BrowserGroup(browserId)));
        }

        return ValueTask.FromResult(LiveIdentity.Private());
    }

    /// <summary>The id of the signed-in user, or null when no authenticated identity carries one.</summary>
    /// <param name="user">The principal.</param>
    /// <param name="claimType">The preferred claim type; <see cref="ClaimTypes.Name"/> is the fallback.</param>
    public static string? FindUserId(ClaimsPrincipal user, string claimType)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentException.ThrowIfNullOrEmpty(claimType);
        foreach (var identity in user.Identities)
        {
            if (!identity.IsAuthenticated)
            {
                continue;
            }

            var id = identity.FindFirst(claimType)?.Value;
            if (string.IsNullOrWhiteSpace(id))
            {
                id = identity.FindFirst(ClaimTypes.Name)?.Value;
            }

            if (!string.IsNullOrWhiteSpace(id))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The browser id LiveState's middleware put on the principal, or null.</summary>
    /// <remarks>
    /// Only the identity the middleware adds is read: unauthenticated and labelled
    /// <see cref="LiveStateClaimTypes.BrowserIdentityLabel"/>. A browser-id claim on any other identity (a sign-in
    /// token may carry any claim) is ignored, and a principal carrying two different browser ids has none.
    /// </remarks>
    /// <param name="user">The principal.</param>
    public static string? FindBrowserId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? found = null;
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated || !string.Equals(identity.Label, LiveStateClaimTypes.BrowserIdentityLabel, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var claim in identity.FindAll(LiveStateClaimTypes.BrowserId))
            {
                if (string.IsNullOrWhiteSpace(claim.Value))
                {
                    continue;
                }

                if (found is not null && !string.Equals(found, claim.Value, StringComparison.Ordinal))
                {
                    return null;
                }

                found = claim.Value;
            }
        }

        return found;
    }
}
