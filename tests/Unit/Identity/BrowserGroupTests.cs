using System.Security.Claims;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Tests.Identity;

/// <summary>
/// An anonymous group id is derived from the browser id by a one-way function, so a group id is not a secret:
/// apps may show, log and pass it without handing out the browser id it came from.
/// </summary>
public sealed class BrowserGroupTests
{
    [Theory]
    // Fixed vectors: browser:base64url(first 24 bytes of SHA-256("livestate.browser-group.v1:" + id)), computed outside .NET.
    // The same answer on every server, after every restart, in every version that keeps the v1 label.
    [InlineData("abc123", "browser:mOzdtl6j-o0N9fT9Xk3_j-nAp_6sEj8X")]
    [InlineData("0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "browser:6ifKmVpTXIV_5YhUAds0hluYpdXxajnL")]
    public void AnAnonymousGroupIdIsAVersionedHashOfTheBrowserId(string browserId, string groupId)
    {
        Assert.Equal(groupId, LiveIdentity.BrowserGroup(browserId));
    }

    [Fact]
    public void NoGroupIdCarriesItsBrowserIdOrAnyPartOfIt()
    {
        var groups = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 10_000; i++)
        {
            var browserId = BrowserIdCookie.NewId();
            var group = LiveIdentity.BrowserGroup(browserId);

            Assert.Equal(LiveIdentity.BrowserGroupPrefix.Length + 32, group.Length);
            Assert.True(groups.Add(group));
            for (var start = 0; start + 8 <= browserId.Length; start++)
            {
                Assert.DoesNotContain(browserId.Substring(start, 8), group, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void GroupIdsAreShownWholeAndOnlyAnOverlongOneIsCut()
    {
        var browser = new LiveIdentity(LiveIdentity.BrowserGroup("abc123"));
        var custom = new LiveIdentity("team:" + new string('x', 10_000), "alice");

        Assert.Equal($"anonymous ({browser.GroupId})", browser.ToString());
        Assert.Equal(browser.GroupId, LiveIdentity.Redact(browser.GroupId));
        Assert.Equal(LiveIdentity.MaxLoggedGroupIdLength + 1, LiveIdentity.Redact(custom.GroupId).Length);
        Assert.True(custom.ToString().Length < 200);
    }

    [Fact]
    public async Task TheGroupAPageRequestResolvesToDoesNotCarryItsBrowserId()
    {
        await using var app = await CookieTestApp.StartAsync();
        var response = await app.Client.SendAsync(CookieTestApp.Page());
        var browserId = await response.Content.ReadAsStringAsync();
        var principal = new ClaimsPrincipal(new ClaimsIdentity());
        principal.AddIdentity(new ClaimsIdentity([new Claim(LiveStateClaimTypes.BrowserId, browserId)]) { Label = LiveStateClaimTypes.BrowserIdentityLabel });
        var resolver = new DefaultLiveIdentityResolver(app.Services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>());

        var identity = await resolver.ResolveAsync(principal);

        Assert.Equal(43, browserId.Length);
        Assert.Equal(LiveIdentity.BrowserGroup(browserId), identity.GroupId);
        Assert.DoesNotContain(browserId, identity.GroupId, StringComparison.Ordinal);
        Assert.DoesNotContain(browserId, identity.ToString(), StringComparison.Ordinal);
    }
}
