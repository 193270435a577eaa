using LiveState.Blazor;
using LiveState.Blazor.Dashboard;
using LiveState.Blazor.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the live developer dashboard's services; map its page with <see cref="Microsoft.AspNetCore.Builder.LiveStateDashboardEndpointRouteBuilderExtensions.MapLiveStateDashboard"/>.</summary>
public static class LiveStateDashboardBuilderExtensions
{
    /// <summary>
    /// Adds what the live developer dashboard needs: a recorder of the last deliveries this server made (broadcasts, slot
    /// changes, presence changes) and of the slots that changed. It costs one short lock per delivery while registered,
    /// whether or not a dashboard is open.
    /// </summary>
    /// <param name="builder">The builder <c>AddLiveState()</c> returned.</param>
    /// <param name="configure">Optional: how many deliveries and groups the dashboard shows, how often it refreshes.</param>
    /// <returns>The builder.</returns>
    public static ILiveStateBuilder AddDashboard(this ILiveStateBuilder builder, Action<LiveStateDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new LiveStateDashboardOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.TryAddSingleton(options);
        builder.Services.TryAddSingleton<DashboardFeed>();
        builder.Services.TryAddTransient<DashboardReader>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveStateObserver, DashboardFeed>(static sp => sp.GetRequiredService<DashboardFeed>()));
        return builder;
    }
}
