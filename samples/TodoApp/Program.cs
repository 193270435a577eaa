using Microsoft.AspNetCore.Authentication.Cookies;
using TodoApp.Accounts;
using TodoApp.Announcements;
using TodoApp.Components;
using TodoApp.Teams;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

// Cookie sign-in for the demo users of appsettings.json.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.LoginPath = "/login";
        options.AccessDeniedPath = "/access-denied";
        options.Cookie.Name = ".TodoApp.Auth";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.SlidingExpiration = true;
    });
// snippet-begin: dashboard-policy
// Who may open the LiveState dashboard (/_livestate): the demo admin.
builder.Services.AddAuthorization(options => options.AddPolicy("LiveStateAdmins", policy => policy.RequireRole(DemoRoles.Admin)));
// snippet-end: dashboard-policy
builder.Services.AddCascadingAuthenticationState();

// LiveState: every tab of a browser (anonymous) or every device of a user shares one todo list; the team resolver
// also puts signed-in users into their team's group, which shares the team list.
// Options come from the LiveState section of appsettings.json; there, SignOutOtherTabs: signing out in one tab sends
// the user's other tabs in this browser back to the anonymous list.
// snippet-begin: add-live-state
var live = builder.Services.AddLiveState(builder.Configuration.GetSection("LiveState"))
    .AddIdentityResolver<TeamIdentityResolver>();
// snippet-end: add-live-state

// snippet-begin: add-dashboard
// The live developer dashboard's recorder (the page is mapped below, for admins only).
live.AddDashboard();
// snippet-end: add-dashboard

// Scale-out: with LiveState:Redis set (a connection string such as --LiveState:Redis=127.0.0.1:6379, or the Redis
// options as an object in appsettings.json), state, broadcasts, presence and Data Protection keys are shared through
// Redis by every server of the app; without it, state lives in memory.
var redis = builder.Configuration.GetSection("LiveState:Redis");
if (redis.Value is { Length: > 0 } || redis.GetChildren().Any())
{
    live.AddRedis(redis);
}

builder.Services.AddSingleton<DemoUserDirectory>();
builder.Services.AddSingleton<Announcer>();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

// snippet-begin: pipeline
app.UseAuthentication();
app.UseLiveState();
app.UseAuthorization();
// snippet-end: pipeline
app.UseAntiforgery();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

// snippet-begin: map-dashboard
// The live developer dashboard: groups, slots, circuits, the last deliveries, health. Sign in as admin to see it.
app.MapLiveStateDashboard("/_livestate", authorizationPolicy: "LiveStateAdmins");
// snippet-end: map-dashboard

app.Run();
