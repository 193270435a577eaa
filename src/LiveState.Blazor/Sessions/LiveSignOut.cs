using LiveState.Blazor;
using LiveState.Blazor.Sessions;
using LiveState.Blazor.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Http;

/// <summary>Sign-out across tabs.</summary>
public static class LiveStateHttpContextExtensions
{
    /// <summary>
    /// Tells every other tab of the signed-in user in this browser that the user signed out: they reload and come
    /// back anonymous, instead of showing the user's state. Call it while signing out (cookie authentication does
    /// it for you when <see cref="LiveStateOptions.SignOutOtherTabs"/> is on). Does nothing for an anonymous request
    /// or one without the LiveState cookie.
    /// </summary>
    /// <param name="context">The sign-out request, still carrying the user's principal.</param>
    /// <returns>Whether any tab was told.</returns>
    public static async Task<bool> SignOutOtherLiveTabsAsync(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var browserId = DefaultLiveIdentityResolver.FindBrowserId(context.User);
        if (browserId is null)
        {
            return false;
        }

        var identity = await services.GetRequiredService<ILiveIdentityResolver>().ResolveAsync(context.User, context.RequestAborted).ConfigureAwait(false);
        if (!identity.IsAuthenticated)
        {
            return false;
        }

        var time = services.GetRequiredService<TimeProvider>();
        var keep = services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>().CurrentValue.IdleGroupTimeout;
        var now = time.GetUtcNow();
        await services.GetRequiredService<SessionGroupStateService>().UpdateAsync<SignedOutBrowsers>(identity.GroupId, marks =>
        {
            marks.Browsers[SignedOutBrowsers.Hash(browserId)] = now;

            // Circuits older than the idle timeout are long gone; keep the slot small.
            foreach (var stale in marks.Browsers.Where(b => b.Value < now - keep).Select(b => b.Key).ToList())
            {
                marks.Browsers.Remove(stale);
            }
        }, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
