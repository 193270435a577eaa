using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>A real browser-style WebSocket handshake against Blazor's real hub on Kestrel, with and without an allowed Origin.</summary>
public sealed class HubWebSocketOriginTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri? _hub;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        builder.Services.AddServerSideBlazor();
        builder.Services.AddLiveState(o => o.AllowedHubOrigins.Add("self"));
        _app = builder.Build();
        _app.UseWebSockets();
        _app.UseLiveState();
        _app.MapBlazorHub();
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        _hub = new Uri($"ws://{address.Authority}/_blazor");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(string origin, string path = "/_blazor")
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(Wait.Deadline);
        await socket.ConnectAsync(new Uri(_hub!, path), timeout.Token);
        return socket;
    }

    [Fact]
    public async Task TheAppsOwnOriginOpensTheHubWebSocket()
    {
        using var socket = await ConnectAsync($"http://{_hub!.Authority}");

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Theory]
    [InlineData("https://evil.example.net", "/_blazor")]
    [InlineData("null", "/_blazor")]
    [InlineData("https://evil.example.net", "/_BLAZOR")]
    [InlineData("https://evil.example.net", "/%5Fblazor")]
    public async Task AForeignOriginGets403BeforeTheHandshake(string origin, string path)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        using var timeout = new CancellationTokenSource(Wait.Deadline);

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(_hub!, path), timeout.Token));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        socket.Dispose();
    }
}
