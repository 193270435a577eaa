using System.Security.Claims;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Identity;

public sealed class IdentityResolverTests
{
    private static DefaultLiveIdentityResolver Resolver(Action<LiveStateOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLiveState(configure);
        return new DefaultLiveIdentityResolver(services.BuildServiceProvider().GetRequiredService<IOptionsMonitor<LiveStateOptions>>());
    }

    private static ClaimsPrincipal Browser(string browserId, ClaimsPrincipal? user = null)
    {
        var principal = user ?? new ClaimsPrincipal(new ClaimsIdentity());
        principal.AddIdentity(BrowserIdentity(browserId));
        return principal;
    }

    // As LiveState's middleware adds it: unauthenticated, labelled, carrying only the browser id.
    private static ClaimsIdentity BrowserIdentity(string browserId) =>
        new([new Claim(LiveStateClaimTypes.BrowserId, browserId)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel };

    private static ClaimsPrincipal SignedIn(params Claim[] claims) => new(new ClaimsIdentity(claims, "Cookies"));

    [Fact]
    public async Task AnonymousBrowserGetsBrowserGroup()
    {
        var identity = await Resolver().ResolveAsync(Browser("abc123"));

        Assert.Equal(LiveIdentity.BrowserGroup("abc123"), identity.GroupId);
        Assert.Null(identity.UserId);
        Assert.False(identity.IsAuthenticated);
    }

    [Fact]
    public async Task SignedInUserGetsUserGroupEvenWithBrowserCookie()
    {
        var identity = await Resolver().ResolveAsync(Browser("abc123", SignedIn(new Claim(ClaimTypes.NameIdentifier, "alice-id"), new Claim(ClaimTypes.Name, "Alice"))));

        Assert.Equal("user:alice-id", identity.GroupId);
        Assert.Equal("alice-id", identity.UserId);
    }

    [Fact]
    public async Task NameIsTheFallbackUserId()
    {
        var identity = await Resolver().ResolveAsync(SignedIn(new Claim(ClaimTypes.Name, "bob")));

        Assert.Equal("user:bob", identity.GroupId);
    }

    [Fact]
    public async Task UserIdClaimTypeIsConfigurable()
    {
        var identity = await Resolver(o => o.UserIdClaimType = "sub").ResolveAsync(SignedIn(new Claim("sub", "42"), new Claim(ClaimTypes.Name, "carol")));

        Assert.Equal("42", identity.UserId);
    }

    [Fact]
    public async Task UnauthenticatedIdentityWithNameIsNotAUser()
    {
        var forged = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")]));

        var identity = await Resolver().ResolveAsync(Browser("b1", forged));

        Assert.Null(identity.UserId);
        Assert.Equal(LiveIdentity.BrowserGroup("b1"), identity.GroupId);
    }

    [Fact]
    public async Task ABrowserIdClaimOnASignedInIdentityIsNeverTakenForTheBrowserId()
    {
        // A login token may carry any claim, this one included; only LiveState's own identity speaks for the browser.
        var forged = SignedIn(new Claim(ClaimTypes.NameIdentifier, "mallory"), new Claim(LiveStateClaimTypes.BrowserId, "victims-browser"));
        var labelled = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "mallory"), new Claim(LiveStateClaimTypes.BrowserId, "victims-browser")], "Bearer")
        {
            Label = LiveStateClaimTypes.BrowserIdentityLabel,
        });

        var identity = await Resolver().ResolveAsync(forged);

        Assert.Equal("user:mallory", identity.GroupId);
        Assert.Null(DefaultLiveIdentityResolver.FindBrowserId(forged));
        Assert.Null(DefaultLiveIdentityResolver.FindBrowserId(labelled));
        Assert.Equal("real", DefaultLiveIdentityResolver.FindBrowserId(Browser("real", forged)));
    }

    [Fact]
    public async Task ABrowserIdClaimOnAnIdentityLiveStateDidNotAddIsIgnored()
    {
        var unlabelled = new ClaimsPrincipal(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, "planted")]));

        var identity = await Resolver().ResolveAsync(unlabelled);

        Assert.Null(DefaultLiveIdentityResolver.FindBrowserId(unlabelled));
        Assert.StartsWith("private:", identity.GroupId, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoDifferentBrowserIdsOnOnePrincipalAreNone()
    {
        var principal = Browser("first");
        principal.AddIdentity(BrowserIdentity("second"));

        Assert.Null(DefaultLiveIdentityResolver.FindBrowserId(principal));
        Assert.Equal("same", DefaultLiveIdentityResolver.FindBrowserId(Browser("same", Browser("same"))));
    }

    [Fact]
    public async Task UserNamedLikeABrowserNeverLandsInThatBrowsersGroup()
    {
        var browser = await Resolver().ResolveAsync(Browser("xyz"));
        var user = await Resolver().ResolveAsync(SignedIn(new Claim(ClaimTypes.NameIdentifier, "browser:xyz")));

        Assert.NotEqual(browser.GroupId, user.GroupId);
        Assert.StartsWith(LiveIdentity.UserGroupPrefix, user.GroupId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrincipalWithoutUserOrBrowserGetsAPrivateGroupOfItsOwn()
    {
        var resolver = Resolver();

        var first = await resolver.ResolveAsync(new ClaimsPrincipal(new ClaimsIdentity()));
        var second = await resolver.ResolveAsync(new ClaimsPrincipal(new ClaimsIdentity()));

        Assert.NotEqual(first.GroupId, second.GroupId);
        Assert.StartsWith("private:", first.GroupId, StringComparison.Ordinal);
    }

    private sealed class TeamResolver : ILiveIdentityResolver
    {
        public ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
        {
            var userId = DefaultLiveIdentityResolver.FindUserId(user, ClaimTypes.NameIdentifier)!;
            var team = user.FindFirst("team")!.Value;
            return ValueTask.FromResult(new LiveIdentity("team:" + team, userId));
        }
    }

    [Fact]
    public async Task CustomResolverMapsATeamClaimToOneSharedGroup()
    {
        using var server = new LiveTestServer(services: s => s.AddSingleton<ILiveIdentityResolver, TeamResolver>());
        var resolver = server.Services.GetRequiredService<ILiveIdentityResolver>();

        var alice = await resolver.ResolveAsync(SignedIn(new Claim(ClaimTypes.NameIdentifier, "alice"), new Claim("team", "red")));
        var bob = await resolver.ResolveAsync(SignedIn(new Claim(ClaimTypes.NameIdentifier, "bob"), new Claim("team", "red")));
        var carol = await resolver.ResolveAsync(SignedIn(new Claim(ClaimTypes.NameIdentifier, "carol"), new Claim("team", "blue")));

        Assert.IsType<TeamResolver>(resolver);
        Assert.Equal(alice.GroupId, bob.GroupId);
        Assert.NotEqual(alice.UserId, bob.UserId);
        Assert.NotEqual(alice.GroupId, carol.GroupId);
    }

    [Fact]
    public void AddIdentityResolverReplacesTheDefault()
    {
        var services = new ServiceCollection();
        services.AddLiveState().AddIdentityResolver<TeamResolver>();

        Assert.IsType<TeamResolver>(services.BuildServiceProvider().GetRequiredService<ILiveIdentityResolver>());
    }

    [Fact]
    public void IdentityRejectsEmptyIdsAndNormalizesMemberships()
    {
        Assert.Throws<ArgumentException>(() => new LiveIdentity(" "));
        Assert.Throws<ArgumentException>(() => new LiveIdentity("g", ""));
        Assert.Throws<ArgumentException>(() => new LiveIdentity("g", "u", [""]));

        var identity = new LiveIdentity("user:a", "a", ["team:b", "team:a", "team:b", "user:a"]);

        Assert.Equal(["team:a", "team:b"], identity.Memberships);
        Assert.True(identity.BelongsTo("team:a"));
        Assert.True(identity.BelongsTo("user:a"));
        Assert.False(identity.BelongsTo("team:c"));
        Assert.Equal(identity, new LiveIdentity("user:a", "a", ["team:a", "team:b"]));
        Assert.NotEqual(identity, new LiveIdentity("user:a", "a"));
    }

    [Fact]
    public void IdentityTextNeverShowsAWholeBrowserId()
    {
        var id = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

        Assert.DoesNotContain(id, new LiveIdentity(LiveIdentity.BrowserGroup(id)).ToString(), StringComparison.Ordinal);
    }
}
