namespace LiveState.Blazor;

/// <summary>Claim types LiveState adds to <c>HttpContext.User</c>.</summary>
public static class LiveStateClaimTypes
{
    /// <summary>
    /// The browser id, carried on an extra, unauthenticated identity of the request's principal so
    /// that both prerendering and the circuit's authentication state see it. LiveState reads it from that identity
    /// only (see <see cref="BrowserIdentityLabel"/>), never from a signed-in identity.
    /// </summary>
    public const string BrowserId = "urn:livestate:browser-id";

    /// <summary>
    /// The <see cref="System.Security.Claims.ClaimsIdentity.Label"/> of the identity that carries the browser id. That
    /// identity has no authentication type, so it never counts as signed in.
    /// </summary>
    public const string BrowserIdentityLabel = "LiveState.Browser";
}
