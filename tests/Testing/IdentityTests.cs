using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Testing.Tests;

public sealed class IdentityTests
{
    private static readonly DefaultLiveIdentityResolver Resolver = new(new StaticOptions());

    [Fact]
    public void AUserIsInTheirUserGroupWithTheirMemberships()
    {
        var alice = LiveTestIdentity.User("alice", "team:red", "team:blue");

        Assert.Equal(("user:alice", "alice"), (alice.GroupId, alice.UserId));
        Assert.Equal(["team:blue", "team:red"], alice.Memberships);
    }

    [Fact]
    public void ABrowserIsAnonymousInItsBrowserGroup()
    {
        var laptop = LiveTestIdentity.Browser("laptop");

        Assert.Equal(LiveIdentity.BrowserGroup("laptop"), laptop.GroupId);
        Assert.False(laptop.IsAuthenticated);
        Assert.NotEqual(LiveTestIdentity.NewBrowser(), LiveTestIdentity.NewBrowser());
    }

    [Fact]
    public async Task PrincipalsResolveToTheMatchingIdentities()
    {
        Assert.Equal(LiveTestIdentity.Browser("laptop"), await Resolver.ResolveAsync(LiveTestPrincipal.Anonymous("laptop")));
        Assert.Equal(LiveTestIdentity.User("alice"), await Resolver.ResolveAsync(LiveTestPrincipal.User("alice", browserId: "laptop")));
    }

    [Fact]
    public void PrincipalsCarryWhatTheMiddlewareAndSignInWouldPutOnThem()
    {
        var alice = LiveTestPrincipal.User("alice", "laptop", new Claim("team", "red"));

        Assert.True(alice.Identity!.IsAuthenticated);
        Assert.Equal("alice", alice.FindFirst(ClaimTypes.NameIdentifier)?.Value);
        Assert.Equal("red", alice.FindFirst("team")?.Value);
        Assert.Equal("laptop", DefaultLiveIdentityResolver.FindBrowserId(alice));
        Assert.DoesNotContain(LiveTestPrincipal.Anonymous("laptop").Identities, i => i.IsAuthenticated);
    }

    [Fact]
    public void ACircuitOpenedAsABrowserCarriesItsCartIntoTheUsersGroupOnSignIn()
    {
        // A browser's group id is a hash of its browser id; the test circuit still knows the id, as a real one does.
        using var ctx = new BunitContext();
        ctx.AddLiveState().AddSignInHandler<CarryCounter>();
        ctx.SetGroupState(LiveIdentity.BrowserGroup("laptop"), new Components.CounterState { Count = 3 });
        var tab = ctx.OpenCircuit(LiveTestIdentity.Browser("laptop"));

        tab.MoveTo(LiveTestIdentity.User("alice"));

        Assert.Equal(3, ctx.GetGroupState<Components.CounterState>("user:alice").Count);
    }

    private sealed class CarryCounter : ILiveSignInHandler
    {
        public Task OnSignedInAsync(LiveSignInContext context, CancellationToken cancellationToken) =>
            context.CarryOverAsync<Components.CounterState>((anonymous, user) => new Components.CounterState { Count = user.Count + anonymous.Count }, cancellationToken).AsTask();
    }

    private sealed class StaticOptions : IOptionsMonitor<LiveStateOptions>
    {
        public LiveStateOptions CurrentValue { get; } = new();

        public LiveStateOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<LiveStateOptions, string?> listener) => null;
    }
}
