using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Sessions;

/// <summary>Hooks every cookie authentication scheme's sign-out, so other tabs follow when <see cref="LiveStateOptions.SignOutOtherTabs"/> is on.</summary>
internal sealed class SignOutOtherTabsSetup(IOptionsMonitor<LiveStateOptions> options) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions cookie)
    {
        var inner = cookie.Events.OnSigningOut;
        cookie.Events.OnSigningOut = async context =>
        {
            await inner(context).ConfigureAwait(false);
            if (options.CurrentValue.SignOutOtherTabs)
            {
                context.HttpContext.SignOutOtherLiveTabs();
            }
        };
    }
}
