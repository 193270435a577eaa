using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

public static class DashboardSetup
{
    public static void Configure(IServiceCollection services)
    {
        var live = services.AddLiveState();

        // snippet-begin: dashboard-options
        live.AddDashboard(options =>
        {
            options.RecentDeliveries = 100;
            options.RefreshInterval = TimeSpan.FromSeconds(1);
        });
        // snippet-end: dashboard-options
    }
}
