using System.Security.Claims;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>
/// The browser id comes only from the unauthenticated identity LiveState's middleware adds. A sign-in token can carry
/// any claim; if a forged browser-id claim on it were believed, the circuit would act for the victim's browser.
/// </summary>
public sealed class BrowserIdClaimSourceTests : IDisposable
{
    private readonly LiveTestServer _server = new(services: s => s.AddScoped<ILiveSignInHandler, CartCarrier>());

    public void Dispose() => _server.Dispose();

    private async Task<LiveCircuit> OpenAsync(ClaimsPrincipal user, string circuitId)
    {
        await using var scope = _server.Services.CreateAsyncScope();
        ((ServerAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>())
            .SetAuthenticationState(Task.FromResult(new AuthenticationState(user)));
        await scope.ServiceProvider.GetServices<CircuitHandler>().OfType<LiveCircuitHandler>().Single().OpenAsync(circuitId, CancellationToken.None);
        return _server.Registry.FindCircuit(circuitId)!;
    }

    [Fact]
    public async Task AForgedBrowserIdOnASignInTokenCarriesNothingOutOfTheVictimsBrowser()
    {
        await _server.States.MutateAsync<Cart>(LiveIdentity.BrowserGroup("victims-browser"), c => c.Items.Add("ring"));
        var mallory = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "mallory"), new Claim(LiveStateClaimTypes.BrowserId, "victims-browser")],
            "Bearer"));
        mallory.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "mallorys-browser")]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });

        var circuit = await OpenAsync(mallory, "mallory-tab");

        Assert.Equal("user:mallory", circuit.Info.Identity.GroupId);
        Assert.Empty(_server.States.Get<Cart>("user:mallory").Items);
        Assert.Equal(["ring"], _server.States.Get<Cart>(LiveIdentity.BrowserGroup("victims-browser")).Items);
        Assert.Equal("mallorys-browser", circuit.BrowserId);
    }

    [Fact]
    public async Task ASignedInCircuitWithOnlyAForgedBrowserIdHasNoBrowserId()
    {
        var mallory = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "mallory"), new Claim(LiveStateClaimTypes.BrowserId, "victims-browser")],
            "Bearer"));

        var circuit = await OpenAsync(mallory, "mallory-tab");

        Assert.Equal("user:mallory", circuit.Info.Identity.GroupId);
        Assert.Null(circuit.BrowserId);
    }
}
