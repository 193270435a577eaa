namespace LiveState.Blazor.Dashboard;

/// <summary>Options of the live developer dashboard (<see cref="Microsoft.Extensions.DependencyInjection.LiveStateDashboardBuilderExtensions.AddDashboard"/>).</summary>
public sealed class LiveStateDashboardOptions
{
    /// <summary>How many of the last deliveries (broadcasts, slot changes, presence changes) the dashboard lists. Default 50.</summary>
    public int RecentDeliveries { get; set; } = 50;

    /// <summary>How many groups the dashboard shows, those with the most circuits first. Default 100.</summary>
    public int MaxGroups { get; set; } = 100;

    /// <summary>
    /// The shortest time between two renders of an open dashboard: changes arriving faster are folded into one render.
    /// Default 500 ms.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often an open dashboard runs the app's health checks (when <c>AddHealthChecks()</c> registered any). Default 10 s.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (RecentDeliveries is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(RecentDeliveries), RecentDeliveries, "LiveStateDashboardOptions.RecentDeliveries must be between 1 and 10,000.");
        }

        if (MaxGroups is < 1 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGroups), MaxGroups, "LiveStateDashboardOptions.MaxGroups must be between 1 and 10,000.");
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(50) || RefreshInterval > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, "LiveStateDashboardOptions.RefreshInterval must be between 50 ms and 1 minute.");
        }

        if (HealthInterval < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(HealthInterval), HealthInterval, "LiveStateDashboardOptions.HealthInterval must be at least 1 second.");
        }
    }
}
