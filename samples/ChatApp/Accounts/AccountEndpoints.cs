using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace ChatApp.Accounts;

/// <summary>
/// Sign-in and sign-out over plain HTTP form posts. A circuit cannot set cookies, and its principal is fixed when it
/// opens, so both end in a redirect: the browser loads the page anew and its new circuit carries the new principal.
/// </summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var account = endpoints.MapGroup("/account");

        // [FromForm] parameters make these endpoints require the antiforgery token that <AntiforgeryToken /> renders.
        account.MapPost("/login", async (HttpContext http, DemoUserDirectory users, [FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl) =>
        {
            var target = LocalPathOrHome(returnUrl);
            if (users.Verify(userName, password) is not { } user)
            {
                return Results.Redirect($"/login?error=1&returnUrl={Uri.EscapeDataString(target)}");
            }

            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, DemoUserDirectory.CreatePrincipal(user));
            return Results.Redirect(target);
        });

        account.MapPost("/logout", async (HttpContext http, [FromForm] string? returnUrl) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);

            // Back to chatting under this browser's guest name.
            return Results.Redirect(LocalPathOrHome(returnUrl));
        });

        return endpoints;
    }

    /// <summary>Only a path on this site: never redirect to another host after sign-in (open redirect).</summary>
    internal static string LocalPathOrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            ? url
            : "/";
}
