using LiveState.Blazor.Circuits;
using LiveState.Blazor.Identity;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds LiveState's middleware to the request pipeline.</summary>
public static class LiveStateApplicationBuilderExtensions
{
    /// <summary>
    /// Reads and issues the sealed browser cookie and puts the browser id on the request's principal, so that
    /// anonymous tabs of one browser share a session group. Call it after <c>UseAuthentication()</c> (if the app
    /// calls that explicitly) and before <c>MapRazorComponents</c> and <c>UseAntiforgery()</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddLiveState()</c> was not called.</exception>
    public static IApplicationBuilder UseLiveState(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService(typeof(CircuitRegistry)) is null)
        {
            throw new InvalidOperationException("LiveState's services are missing: call builder.Services.AddLiveState() before app.UseLiveState().");
        }

        return app.UseMiddleware<LiveStateMiddleware>();
    }
}
