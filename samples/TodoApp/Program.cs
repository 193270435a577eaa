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
builder.Services.AddAuthorization();
builder.Services.AddCascadingAuthenticationState();

// LiveState: every tab of a browser (anonymous) or every device of a user shares one todo list; the team resolver
// also puts signed-in users into their team's group, which shares the team list.
builder.Services.AddLiveState()
    .AddIdentityResolver<TeamIdentityResolver>();

builder.Services.AddSingleton<DemoUserDirectory>();
builder.Services.AddSingleton<Announcer>();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseAuthentication();
app.UseLiveState();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
