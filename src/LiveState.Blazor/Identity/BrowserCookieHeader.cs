using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace LiveState.Blazor.Identity;

/// <summary>
/// The browser cookie's name for a request, and its value read from the raw <c>Cookie</c> headers. A cookie that a
/// request carries twice with different values (one planted by a sibling subdomain, say) is ambiguous, so it counts
/// as absent; <c>Request.Cookies</c> would silently return the first.
/// </summary>
internal static class BrowserCookieHeader
{
    public const string HostPrefix = "__Host-";

    /// <summary>
    /// <c>__Host-</c> and <see cref="LiveStateOptions.CookieName"/> on an HTTPS request whose cookie is Secure (the
    /// prefix requires it), unless <see cref="LiveStateOptions.UseHostPrefix"/> is off; the plain name otherwise.
    /// </summary>
    public static string NameFor(HttpRequest request, LiveStateOptions options) =>
        IsHostPrefixed(request, options) ? HostPrefix + options.CookieName : options.CookieName;

    public static bool IsHostPrefixed(HttpRequest request, LiveStateOptions options) =>
        options.UseHostPrefix && request.IsHttps && options.CookieSecurePolicy != CookieSecurePolicy.None;

    /// <summary>The value of the cookie <paramref name="name"/>, or null when it is absent or carried with two different values.</summary>
    /// <param name="headers">The request's <c>Cookie</c> header values (HTTP/2 and HTTP/3 may send several).</param>
    /// <param name="name">The cookie name, matched exactly, as browsers do.</param>
    /// <param name="conflicting">Whether the request carried the cookie with two different values.</param>
    public static string? Find(StringValues headers, string name, out bool conflicting)
    {
        conflicting = false;
        string? found = null;
        foreach (var header in headers)
        {
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                // Pairs are separated by ';'. Splitting on ',' too can only find more pairs of ours, never fewer, so an
                // odd header errs towards "ambiguous", never towards reading a value another pair hid.
                var end = rest.IndexOfAny(';', ',');
                var pair = end < 0 ? rest : rest[..end];
                rest = end < 0 ? default : rest[(end + 1)..];

                var equals = pair.IndexOf('=');
                if (equals < 0 || !pair[..equals].Trim(" \t").SequenceEqual(name))
                {
                    continue;
                }

                var value = Unquote(pair[(equals + 1)..].Trim(" \t"));
                if (found is null)
                {
                    found = value.ToString();
                }
                else if (!value.SequenceEqual(found))
                {
                    conflicting = true;
                    return null;
                }
            }
        }

        return found;
    }

    // RFC 6265 lets a cookie value be wrapped in double quotes; the quoted and bare forms are one value.
    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}
