using System.Security.Claims;
using LiveState.Blazor.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Identity;

/// <summary>
/// Reads the sealed browser cookie, issues a fresh one on document requests that lack a valid one, and
/// puts the browser id on an extra, unauthenticated identity of <see cref="HttpContext.User"/>.
/// </summary>
internal sealed class LiveStateMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BrowserIdCookie _cookie;
    private readonly IOptionsMonitor<LiveStateOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RefusedOriginLog _refusals;

    public LiveStateMiddleware(RequestDelegate next, BrowserIdCookie cookie, IOptionsMonitor<LiveStateOptions> options, TimeProvider time, ILogger<LiveStateMiddleware> logger)
    {
        _next = next;
        _cookie = cookie;
        _options = options;
        _time = time;
        _logger = logger;
        _refusals = new RefusedOriginLog(logger, time);
    }

    public Task InvokeAsync(HttpContext context)
    {
        var options = _options.CurrentValue;
        if (options.AllowedHubOrigins.Count > 0 && !IsHubOriginAllowed(context.Request, options))
        {
            _refusals.Refused(context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        // A cookie the app marks non-essential is neither issued nor read without consent (ASP.NET Core's cookie policy
        // would drop the issued one anyway): no browser id, so each tab is a private group until the user consents.
        if (!options.CookieIsEssential && context.Features.Get<ITrackingConsentFeature>() is { CanTrack: false })
        {
            return _next(context);
        }

        // Over HTTPS only the __Host- cookie is read: a sibling subdomain can plant the plain name, never that one.
        var name = BrowserCookieHeader.NameFor(context.Request, options);
        var presented = BrowserCookieHeader.Find(context.Request.Headers.Cookie, name, out var conflicting);
        if (conflicting)
        {
            Log.ConflictingBrowserCookies(_logger);
        }

        string? browserId;
        try
        {
            browserId = _cookie.TryUnseal(presented);
            if (browserId is null && presented is not null)
            {
                Log.InvalidBrowserCookie(_logger, presented.Length);
            }

            if (browserId is null && IsDocumentRequest(context.Request, options))
            {
                var fresh = BrowserIdCookie.NewId();
                context.Response.Cookies.Append(name, _cookie.Seal(fresh), CookieOptionsFor(context.Request, options));
                browserId = fresh;
            }
        }
        catch (Exception ex)
        {
            // The key ring is out of reach (for example shared keys whose store is down): serve the page without a
            // browser id. The circuit gets a private group; the next request tries again.
            Log.BrowserCookieUnavailable(_logger, ex);
            browserId = null;
        }

        if (browserId is not null)
        {
            var identity = new ClaimsIdentity(
                [new Claim(LiveStateClaimTypes.BrowserId, browserId)],
                authenticationType: null,
                nameType: null,
                roleType: null)
            {
                Label = LiveStateClaimTypes.BrowserIdentityLabel,
            };
            context.User.AddIdentity(identity);
        }

        return _next(context);
    }

    // A __Host- cookie must be Secure, have Path=/ and no Domain, or browsers drop it. No Domain is ever set here.
    private CookieOptions CookieOptionsFor(HttpRequest request, LiveStateOptions options) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = BrowserCookieHeader.IsHostPrefixed(request, options) || options.CookieSecurePolicy switch
        {
            CookieSecurePolicy.Always => true,
            CookieSecurePolicy.None => false,
            _ => request.IsHttps,
        },
        Path = "/",
        IsEssential = options.CookieIsEssential,
        Expires = _time.GetUtcNow().Add(options.CookieLifetime),
        MaxAge = options.CookieLifetime,
    };

    /// <summary>Whether a request may proceed under the hub origin allowlist. Only hub requests carrying an Origin header are checked.</summary>
    internal static bool IsHubOriginAllowed(HttpRequest request, LiveStateOptions options)
    {
        if (!request.Path.StartsWithSegments(options.HubPath, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        foreach (var allowed in options.AllowedHubOrigins)
        {
            if (string.Equals(allowed, "self", StringComparison.OrdinalIgnoreCase))
            {
                if (string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            else if (string.Equals(origin, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A top-level page a browser navigates to: the only kind of request that gets a cookie.</summary>
    internal static bool IsDocumentRequest(HttpRequest request, LiveStateOptions options)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        var path = request.Path;
        foreach (var excluded in options.CookieExcludedPaths)
        {
            if (path.StartsWithSegments(excluded, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        // Static files (/app.css, /favicon.ico) have an extension in their last segment.
        var value = path.Value ?? string.Empty;
        var lastSegment = value.AsSpan(value.LastIndexOf('/') + 1);
        if (lastSegment.Contains('.'))
        {
            return false;
        }

        // Browsers say what they fetch; trust that when present.
        var destination = request.Headers["Sec-Fetch-Dest"].ToString();
        if (destination.Length > 0)
        {
            return destination.Equals("document", StringComparison.OrdinalIgnoreCase)
                || destination.Equals("iframe", StringComparison.OrdinalIgnoreCase);
        }

        // Otherwise, only a request that accepts HTML is a page; API clients ask for JSON.
        foreach (var accept in request.GetTypedHeaders().Accept)
        {
            if (accept.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
