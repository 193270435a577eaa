using System.Security.Claims;
using Bunit;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Circuits;

public sealed class CircuitHandlerTests : IDisposable
{
    private readonly RecordingLifecycle _lifecycle = new();
    private readonly LiveTestServer _server;

    public CircuitHandlerTests()
    {
        _server = new LiveTestServer(services: s =>
        {
            s.AddSingleton(_lifecycle);
            s.AddScoped<ILiveCircuitLifecycleHandler>(sp => sp.GetRequiredService<RecordingLifecycle>());
            s.AddScoped<ILiveCircuitLifecycleHandler, ThrowingLifecycle>();
            s.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        });
    }

    public void Dispose() => _server.Dispose();

    /// <summary>A circuit scope as Blazor makes one: the hub connection's principal set on the authentication state provider.</summary>
    private (AsyncServiceScope Scope, LiveCircuitHandler Handler, ServerAuthenticationStateProvider Auth) OpenScope(ClaimsPrincipal user)
    {
        var scope = _server.Services.CreateAsyncScope();
        var auth = (ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        var handler = scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
        return (scope, handler, auth);
    }

    private static ClaimsPrincipal Alice() => new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "Cookies"));

    [Fact]
    public async Task BrowserIdFromTheCookieSurvivesIntoTheCircuit()
    {
        // The /_blazor request passes through UseLiveState; Blazor hands that request's User to the circuit.
        var cookie = _server.Services.GetRequiredService<BrowserIdCookie>();
        var browserId = BrowserIdCookie.NewId();
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/_blazor";
        http.Request.Headers.Cookie = ".LiveState.Browser=" + cookie.Seal(browserId);
        var middleware = new LiveStateMiddleware(_ => Task.CompletedTask, cookie, _server.Services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>(), TimeProvider.System, NullLogger<LiveStateMiddleware>.Instance);
        await middleware.InvokeAsync(http);

        var (scope, handler, _) = OpenScope(http.User);
        await using var _ = scope;
        await handler.OpenAsync("c1", CancellationToken.None);

        Assert.Equal(LiveIdentity.BrowserGroup(browserId), _server.Registry.Find("c1")!.GroupId);
        Assert.False(http.Response.Headers.ContainsKey("Set-Cookie"));
    }

    [Fact]
    public async Task OpenRegistersCloseRemovesAndLifecycleHandlersHearBoth()
    {
        var (scope, handler, _) = OpenScope(Alice());
        await using var _ = scope;

        await handler.OpenAsync("c1", CancellationToken.None);
        Assert.Equal("user:alice", _server.Registry.Find("c1")!.GroupId);
        Assert.Equal("alice", _server.Registry.Find("c1")!.UserId);

        await handler.ConnectionChangedAsync("c1", connected: true);
        await handler.ConnectionChangedAsync("c1", connected: false);
        await handler.ConnectionChangedAsync("c1", connected: true);
        await handler.CloseAsync("c1");

        Assert.Null(_server.Registry.Find("c1"));
        Assert.Equal(["connected c1", "disconnected c1", "reconnected c1", "closed c1"], _lifecycle.Events);
    }

    [Fact]
    public async Task OtherTabsOfTheGroupRenderWhenATabOpensAndCloses()
    {
        var tab = _server.Open<GroupProbe>(new LiveIdentity("user:alice", "alice"));
        Assert.Equal("1", tab.Component.Find(".circuits").TextContent);
        var (scope, handler, _) = OpenScope(Alice());
        await using var _ = scope;

        await handler.OpenAsync("second-tab", CancellationToken.None);
        tab.Component.WaitForAssertion(() => Assert.Equal("2", tab.Component.Find(".circuits").TextContent), Wait.Deadline);

        await handler.CloseAsync("second-tab");
        tab.Component.WaitForAssertion(() => Assert.Equal("1", tab.Component.Find(".circuits").TextContent), Wait.Deadline);
    }

    [Fact]
    public async Task SignInMovesTheCircuitToTheUsersGroupAndItRenders()
    {
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());
        anonymous.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "b1")]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        var (scope, handler, auth) = OpenScope(anonymous);
        await using var _ = scope;
        await handler.OpenAsync("c1", CancellationToken.None);
        var circuit = _server.Registry.FindCircuit("c1")!;

        // Reads what a component of the page would: its slots and anything broadcast, not presence (a move changes both groups' presence).
        var target = new FakeRenderTarget { Reads = change => change.Kind != LiveChangeKind.Presence };
        circuit.AddTarget(target);

        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(Alice())));
        await handler.LastMove.WaitAsync(Wait.Deadline);

        Assert.Equal("user:alice", _server.Registry.Find("c1")!.GroupId);
        Assert.Equal(0, _server.Registry.CountGroup(LiveIdentity.BrowserGroup("b1")));
        Assert.Equal(1, target.Renders);
        Assert.Contains("moved c1 from " + LiveIdentity.BrowserGroup("b1"), _lifecycle.Events);

        // Sign-out: back to the browser's group, never another browser's or user's.
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(anonymous)));
        await handler.LastMove.WaitAsync(Wait.Deadline);
        Assert.Equal(LiveIdentity.BrowserGroup("b1"), _server.Registry.Find("c1")!.GroupId);
    }

    [Fact]
    public async Task ABrokenResolverGivesAPrivateGroupInsteadOfKillingTheCircuit()
    {
        using var server = new LiveTestServer(services: s => s.AddSingleton<ILiveIdentityResolver, BrokenResolver>());
        await using var scope = server.Services.CreateAsyncScope();
        ((ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(Alice())));
        var handler = scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();

        await handler.OpenAsync("c1", CancellationToken.None);

        Assert.StartsWith("private:", server.Registry.Find("c1")!.GroupId, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHandlerIsRegisteredOnceAndRunsBeforeAppHandlers()
    {
        var services = new ServiceCollection();
        services.AddLiveState();
        services.AddLiveState();

        Assert.Single(services, d => d.ServiceType == typeof(CircuitHandler));
        using var provider = services.AddLogging().BuildServiceProvider();
        using var scope = provider.CreateScope();
        Assert.True(scope.ServiceProvider.GetServices<CircuitHandler>().Single().Order < 0);
    }

    private sealed class BrokenResolver : ILiveIdentityResolver
    {
        public ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("directory down");
    }

    public sealed class RecordingLifecycle : ILiveCircuitLifecycleHandler
    {
        public List<string> Events { get; } = [];

        public Task OnConnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Record($"connected {circuit.CircuitId}");

        public Task OnDisconnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Record($"disconnected {circuit.CircuitId}");

        public Task OnReconnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Record($"reconnected {circuit.CircuitId}");

        public Task OnMovedAsync(LiveCircuitInfo circuit, LiveIdentity previous, CancellationToken cancellationToken) => Record($"moved {circuit.CircuitId} from {previous.GroupId}");

        public Task OnClosedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Record($"closed {circuit.CircuitId}");

        private Task Record(string what)
        {
            lock (Events)
            {
                Events.Add(what);
            }

            return Task.CompletedTask;
        }
    }

    private sealed class ThrowingLifecycle : ILiveCircuitLifecycleHandler
    {
        public Task OnConnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => throw new InvalidOperationException("app bug");

        public Task OnClosedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Task.FromException(new InvalidOperationException("app bug"));
    }
}
