using System.Security.Claims;

namespace LiveState.Blazor.Testing;

/// <summary>
/// Principals as a real circuit's authentication state carries them, for circuits whose identity the app's own
/// <see cref="ILiveIdentityResolver"/> should resolve (see <c>OpenCircuit(ClaimsPrincipal)</c>): the browser id
/// LiveState's middleware adds, and the claims of a signed-in user.
/// </summary>
public static class LiveTestPrincipal
{
    /// <summary>The authentication type of the signed-in identities made here.</summary>
    public const string AuthenticationType = "LiveState.Testing";

    /// <summary>An anonymous visitor of a browser that carries LiveState's cookie.</summary>
    /// <param name="browserId">The browser id the cookie carries; tabs with the same id share the browser's group.</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal Anonymous(string browserId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(browserId);
        var principal = new ClaimsPrincipal(new ClaimsIdentity());
        principal.AddIdentity(BrowserIdentity(browserId));
        return principal;
    }

    /// <summary>A signed-in user, with <see cref="ClaimTypes.NameIdentifier"/> and <see cref="ClaimTypes.Name"/> set to the user id.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="browserId">The browser id of LiveState's cookie, or null for a browser without it.</param>
    /// <param name="claims">Further claims of the signed-in identity (a team, a role).</param>
    /// <returns>The principal.</returns>
    public static ClaimsPrincipal User(string userId, string? browserId = null, params IEnumerable<Claim> claims)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentNullException.ThrowIfNull(claims);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, userId), .. claims],
            AuthenticationType));
        if (browserId is not null)
        {
            principal.AddIdentity(BrowserIdentity(browserId));
        }

        return principal;
    }

    /// <summary>The principal a real circuit of <paramref name="identity"/> would carry.</summary>
    internal static ClaimsPrincipal For(LiveIdentity identity)
    {
        var browserId = LiveTestIdentity.BrowserIdOf(identity);
        if (identity.UserId is { } userId)
        {
            return User(userId, browserId);
        }

        return browserId is null ? new ClaimsPrincipal(new ClaimsIdentity()) : Anonymous(browserId);
    }

    // As LiveState's middleware adds it: unauthenticated, labelled, carrying only the browser id.
    private static ClaimsIdentity BrowserIdentity(string browserId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(browserId);
        return new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browserId)], authenticationType: null, nameType: null, roleType: null)
        {
            Label = LiveStateClaimTypes.BrowserIdentityLabel,
        };
    }
}
