using ChatApp.Accounts;
using ChatApp.Chat;
using ChatApp.Components;
using Microsoft.AspNetCore.Authentication.Cookies;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

// Optional cookie sign-in for the demo users of appsettings.json; anonymous visitors chat under a guest name.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.LoginPath = "/login";
        options.Cookie.Name = ".ChatApp.Auth";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.SlidingExpiration = true;
    });
builder.Services.AddAuthorization();
builder.Services.AddCascadingAuthenticationState();

// LiveState, and who may join which room: without an authorizer every join is refused (docs/rooms.md says why).
// snippet-begin: chat-add-live-state
var live = builder.Services.AddLiveState()
    .AddRoomAuthorizer<ChatRoomAuthorizer>();
// snippet-end: chat-add-live-state

// Scale-out: with LiveState:Redis set (for example --LiveState:Redis=127.0.0.1:6379), rooms, their messages and who is
// here are shared by every server of the app; without it, everything lives in this process's memory.
if (builder.Configuration["LiveState:Redis"] is { Length: > 0 } redis)
{
    live.AddRedis(redis);
}

builder.Services.AddSingleton<DemoUserDirectory>();

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
