using LatencyApp;
using LatencyApp.Components;

// The browser latency harness's server: one LiveState page and one baseline page (a singleton with one event
// every component subscribes to), rendering the same markup. Run by bench/LatencyHarness; see docs/performance.md.
var builder = WebApplication.CreateBuilder(args);

// Serve blazor.web.js from the build output in any environment: the harness runs the app straight from bin/.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();
var liveState = builder.Services.AddLiveState();

// Set by the harness for the two-server runs: state, broadcasts and Data Protection keys through Redis.
if (builder.Configuration["LatencyApp:Redis"] is { Length: > 0 } redis)
{
    liveState.AddRedis(redis, options => options.ApplicationName = "livestate-latency");
}

builder.Services.AddSingleton<CounterBoard>();

var app = builder.Build();

app.UseLiveState();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
