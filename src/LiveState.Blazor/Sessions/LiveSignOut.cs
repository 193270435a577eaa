using System.Security.Claims;
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
    /// <remarks>
    /// The tabs are told once the response has been sent: the signing-out tab is in this browser too, and a reload
    /// started before the browser received the response that clears the sign-in cookie would cancel the sign-out.
    /// </remarks>
    /// <param name="context">The sign-out request, still carrying the user's principal.</param>
    /// <returns>Whether the tabs will be told.</returns>
    public static bool SignOutOtherLiveTabs(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var browserId = DefaultLiveIdentityResolver.FindBrowserId(context.User);
        if (browserId is null || !context.User.Identities.Any(i => i.IsAuthenticated))
        {
            return false;
        }

        // Only singletons and values cross into the callback: the request's scope may be gone by then.
        var marker = new SignOutMarker(context.RequestServices, context.User, browserId);
        context.Response.OnCompleted(static state => ((SignOutMarker)state).MarkAsync(), marker);
        return true;
    }

    /// <summary>Marks the browser as signed out of the user's group now, re-rendering the user's tabs.</summary>
    internal static Task<bool> SignOutOtherLiveTabsNowAsync(IServiceProvider services, ClaimsPrincipal user)
    {
        var browserId = DefaultLiveIdentityResolver.FindBrowserId(user);
        return browserId is null ? Task.FromResult(false) : new SignOutMarker(services, user, browserId).MarkAsync();
    }

    private sealed class SignOutMarker(IServiceProvider services, ClaimsPrincipal user, string browserId)
    {
        private readonly ILiveIdentityResolver _resolver = services.GetRequiredService<ILiveIdentityResolver>();
        private readonly SessionGroupStateService _states = services.GetRequiredService<SessionGroupStateService>();
        private readonly TimeProvider _time = services.GetRequiredService<TimeProvider>();
        private readonly IOptionsMonitor<LiveStateOptions> _options = services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>();
        private readonly Microsoft.Extensions.Logging.ILogger _logger = services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("LiveState.Blazor.SignOut");

        public async Task<bool> MarkAsync()
        {
            try
            {
                var identity = await _resolver.ResolveAsync(user).ConfigureAwait(false);
                if (!identity.IsAuthenticated)
                {
                    return false;
                }

                var keep = _options.CurrentValue.IdleGroupTimeout;
                var now = _time.GetUtcNow();
                await _states.MutateAsync<SignedOutBrowsers>(identity.GroupId, marks =>
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
            catch (Exception ex)
            {
                // The sign-out itself succeeded; other tabs follow on their next reconnect.
                LiveState.Blazor.Internal.Log.SignOutOtherTabsFailed(_logger, ex);
                return false;
            }
        }
    }
}
