using System.Security.Claims;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>A circuit opened through LiveState's real circuit handler, in a scope of its own, with its principal on the scope's authentication state provider.</summary>
internal sealed class HandlerCircuit : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;

    private HandlerCircuit(AsyncServiceScope scope, string id)
    {
        _scope = scope;
        Id = id;
        Auth = (ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        Handler = scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single();
        Context = scope.ServiceProvider.GetRequiredService<LiveCircuitContext>();
    }

    public string Id { get; }

    public ServerAuthenticationStateProvider Auth { get; }

    public LiveCircuitHandler Handler { get; }

    public LiveCircuitContext Context { get; }

    public static async Task<HandlerCircuit> OpenAsync(LiveTestServer server, string id, ClaimsPrincipal user)
    {
        var circuit = new HandlerCircuit(server.Services.CreateAsyncScope(), id);
        circuit.Auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        await circuit.Handler.OpenAsync(id, CancellationToken.None);
        return circuit;
    }

    /// <summary>Signs the circuit in or out as an authentication state change does, and waits for the move.</summary>
    public async Task ChangeUserAsync(ClaimsPrincipal user)
    {
        Auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        await Handler.LastMove.WaitAsync(Wait.Deadline);
    }

    public Task<Blazor.Rooms.RoomHandle> JoinAsync(string roomId, FakeRoomOwner owner, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Context.Rooms.JoinAsync(roomId, metadata, owner, cancellationToken);

    public Task CloseAsync() => Handler.CloseAsync(Id);

    public ValueTask DisposeAsync() => _scope.DisposeAsync();

    /// <summary>An anonymous principal carrying a browser id, as UseLiveState makes one.</summary>
    public static ClaimsPrincipal Anonymous(string browserId)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity());
        user.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browserId)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        return user;
    }

    /// <summary>A signed-in principal in a browser with a browser id.</summary>
    public static ClaimsPrincipal SignedIn(string userId, string browserId)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "Cookies"));
        user.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browserId)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        return user;
    }
}
