namespace LiveState.Blazor;

/// <summary>Claim types LiveState adds to <c>HttpContext.User</c>.</summary>
public static class LiveStateClaimTypes
{
    /// <summary>
    /// The browser id, carried on an extra, unauthenticated identity of the request's principal so
    /// that both prerendering and the circuit's authentication state see it.
    /// </summary>
    public const string BrowserId = "urn:livestate:browser-id";

    /// <summary>The authentication type label of the unauthenticated identity that carries the browser id (null: it never authenticates).</summary>
    public const string BrowserIdentityLabel = "LiveState.Browser";
}
