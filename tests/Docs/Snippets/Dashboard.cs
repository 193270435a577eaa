using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

    public static WebApplication Development(WebApplicationBuilder builder)
    {
        // snippet-begin: dashboard-services
        builder.Services.AddLiveState().AddDashboard();
        // snippet-end: dashboard-services

        var app = builder.Build();

        // snippet-begin: dashboard-development
        if (app.Environment.IsDevelopment())
        {
            app.MapLiveStateDashboard("/_livestate");   // no policy: refused outside Development
        }
        // snippet-end: dashboard-development
        return app;
    }

    public static WebApplication WithPolicy(WebApplicationBuilder builder)
    {
        // snippet-begin: dashboard-policy
        // A policy needs an authentication scheme that knows who the user is and their roles (cookies, OpenID Connect...).
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddAuthorization(options => options.AddPolicy("LiveStateAdmins", policy => policy.RequireRole("admin")));
        // snippet-end: dashboard-policy
        builder.Services.AddLiveState().AddDashboard();

        var app = builder.Build();
        // snippet-begin: dashboard-map
        app.MapLiveStateDashboard("/_livestate", authorizationPolicy: "LiveStateAdmins");
        // snippet-end: dashboard-map
        return app;
    }
}
