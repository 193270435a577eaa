using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

public static class LimitsSetup
{
    public static void Configure(WebApplicationBuilder builder)
    {
        // snippet-begin: presence-options
        builder.Services.AddLiveState(options =>
        {
            options.PresenceUpdateInterval = TimeSpan.FromMilliseconds(500);   // default 200 ms; zero renders every change at once
            options.MaxCircuitsPerGroup = 20;                                  // default 100 per group and server; zero: no limit
        });
        // snippet-end: presence-options
    }
}
