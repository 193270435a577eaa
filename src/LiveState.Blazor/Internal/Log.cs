using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Internal;

/// <summary>LiveState's log messages. Event ids are stable; no message carries a cookie or a whole browser id.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "A browser cookie of {Length} characters did not unseal; treating it as absent.")]
    public static partial void InvalidBrowserCookie(ILogger logger, int length);

    // At most once a minute (RefusedOriginLog): Suppressed counts the refusals since the previous message.
    [LoggerMessage(2, LogLevel.Warning, "Refused a Blazor hub request from origin {Origin}: not in LiveStateOptions.AllowedHubOrigins. {Suppressed} more were refused since the last such message (one is logged a minute at most).")]
    public static partial void HubOriginRejected(ILogger logger, string origin, long suppressed);

    [LoggerMessage(3, LogLevel.Error, "The browser cookie could not be read or issued (is the Data Protection key ring reachable?); serving the request without a browser id.")]
    public static partial void BrowserCookieUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Error, "Could not tell the other tabs of a signed-out user; they follow when they reconnect.")]
    public static partial void SignOutOtherTabsFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Debug, "The request carried the browser cookie twice with different values (one may be planted by another site of the domain); treating it as absent.")]
    public static partial void ConflictingBrowserCookies(ILogger logger);

    [LoggerMessage(10, LogLevel.Debug, "Circuit {CircuitId} opened as {Identity}.")]
    public static partial void CircuitOpened(ILogger logger, string circuitId, LiveIdentity identity);

    [LoggerMessage(11, LogLevel.Debug, "Circuit {CircuitId} closed.")]
    public static partial void CircuitClosed(ILogger logger, string circuitId);

    [LoggerMessage(12, LogLevel.Information, "Circuit {CircuitId} moved from {Previous} to {Identity}.")]
    public static partial void CircuitMoved(ILogger logger, string circuitId, LiveIdentity previous, LiveIdentity identity);

    [LoggerMessage(13, LogLevel.Error, "Circuit {CircuitId} could not follow its authentication state.")]
    public static partial void CircuitMoveFailed(ILogger logger, string? circuitId, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "The identity resolver failed; the circuit gets a private group of its own.")]
    public static partial void IdentityResolutionFailed(ILogger logger, Exception exception);

    [LoggerMessage(15, LogLevel.Error, "Lifecycle handler {Handler} failed for circuit {CircuitId}.")]
    public static partial void LifecycleHandlerFailed(ILogger logger, string handler, string circuitId, Exception exception);

    [LoggerMessage(16, LogLevel.Error, "A circuit registry change handler failed on {Kind}.")]
    public static partial void RegistryHandlerFailed(ILogger logger, LiveCircuitChangeKind kind, Exception exception);

    [LoggerMessage(17, LogLevel.Warning, "Refused circuit {CircuitId}: its session group {GroupId} already has {Limit} circuits on this server (LiveStateOptions.MaxCircuitsPerGroup).")]
    public static partial void CircuitRefused(ILogger logger, string circuitId, string groupId, int limit);

    [LoggerMessage(18, LogLevel.Warning, "{Component} is a LiveComponent rendered statically (static server-side rendering, no interactive render mode): it shows a snapshot that never updates. Give it, or the page that holds it, @rendermode InteractiveServer, or make the app interactive (<Routes @rendermode=\"InteractiveServer\" /> in App.razor); if static rendering is intended, override AllowStaticRendering. Logged once per component type.")]
    public static partial void LiveComponentRenderedStatically(ILogger logger, string component);

    [LoggerMessage(23, LogLevel.Error, "The scale-out backend's {Callback} failed.")]
    public static partial void BackendCallbackFailed(ILogger logger, string callback, Exception exception);

    [LoggerMessage(24, LogLevel.Error, "The LiveState observer {Observer} failed; the delivery it was told of is unaffected.")]
    public static partial void ObserverFailed(ILogger logger, string observer, Exception exception);

    [LoggerMessage(22, LogLevel.Warning, "Re-rendering the presence readers of a group failed.")]
    public static partial void PresenceRenderFailed(ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "Broadcast to circuit {CircuitId} failed; skipped.")]
    public static partial void DeliveryFailed(ILogger logger, string circuitId, Exception? exception);

    [LoggerMessage(21, LogLevel.Warning, "Circuit {CircuitId} did not render within {Timeout}; skipped.")]
    public static partial void DeliverySlow(ILogger logger, string circuitId, TimeSpan timeout);

    [LoggerMessage(30, LogLevel.Information, "Evicted {Count} idle session groups.")]
    public static partial void IdleGroupsEvicted(ILogger logger, int count);

    [LoggerMessage(31, LogLevel.Warning, "More than {Cap} session groups: evicted the {Count} oldest idle ones.")]
    public static partial void GroupsEvictedOverCap(ILogger logger, int count, int cap);

    [LoggerMessage(32, LogLevel.Error, "The idle group sweep failed.")]
    public static partial void IdleSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(60, LogLevel.Warning, "The LiveState dashboard could not read what it shows; it tries again on the next change.")]
    public static partial void DashboardRefreshFailed(ILogger logger, Exception exception);
}
