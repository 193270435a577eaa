using System.Net;
using System.Security.Cryptography;
using LiveState.Blazor.Identity;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace LiveState.Blazor.Tests.Hardening;

public sealed class HostileCookieTests
{
    /// <summary>Ten thousand hostile values, a thousand of each kind, deterministic so a failure can be replayed.</summary>
    private static IEnumerable<(string Kind, string Header)> HostileCookies(string valid, IDataProtectionProvider foreignKey, IDataProtectionProvider sameKey)
    {
        var random = new Random(20261128);
        var raw = WebEncoders.Base64UrlDecode(valid);
        for (var i = 0; i < 1_000; i++)
        {
            yield return ("random bytes", ".LiveState.Browser=" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(random.Next(1, 300))));
            yield return ("random text", ".LiveState.Browser=" + new string(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (char)random.Next(33, 127)).Where(c => c != ';' && c != ',').ToArray()));
            yield return ("truncation", ".LiveState.Browser=" + valid[..random.Next(0, valid.Length)]);
            var flipped = (byte[])raw.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            yield return ("bit flip", ".LiveState.Browser=" + WebEncoders.Base64UrlEncode(flipped));
            yield return ("foreign key", ".LiveState.Browser=" + new BrowserIdCookie(foreignKey).Seal(BrowserIdCookie.NewId()));
            yield return ("other purpose", ".LiveState.Browser=" + WebEncoders.Base64UrlEncode(sameKey.CreateProtector("LiveState.Blazor.BrowserId.v0").Protect(RandomNumberGenerator.GetBytes(32))));
            var length = random.Next(0, 63);
            length += length >= 32 ? 1 : 0;
            yield return ("wrong length", ".LiveState.Browser=" + WebEncoders.Base64UrlEncode(sameKey.CreateProtector(BrowserIdCookie.Purpose).Protect(RandomNumberGenerator.GetBytes(length))));
            yield return ("100 KB", ".LiveState.Browser=" + new string((char)('A' + (i % 26)), 100 * 1024));
            yield return ("repeated name", $".LiveState.Browser=junk{i}; .LiveState.Browser=more{i}; .LiveState.Browser=");
            yield return ("appended", ".LiveState.Browser=" + valid + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(random.Next(1, 8))));
        }
    }

    [Fact]
    public async Task TenThousandHostileCookiesCauseNoServerErrorAndEachGetsAFreshGroup()
    {
        var protection = new EphemeralDataProtectionProvider();
        await using var app = await CookieTestApp.StartAsync(protection: protection);
        var issued = await app.Client.SendAsync(CookieTestApp.Page());
        var validId = await issued.Content.ReadAsStringAsync();
        var valid = CookieTestApp.CookieValue(CookieTestApp.SetCookie(issued)!);
        var seen = new HashSet<string>(StringComparer.Ordinal) { validId };
        var count = 0;

        foreach (var (kind, header) in HostileCookies(valid, new EphemeralDataProtectionProvider(), protection))
        {
            using var request = CookieTestApp.Page(cookie: header);
            using var response = await app.Client.SendAsync(request);
            var id = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{kind}: {response.StatusCode}");
            Assert.True(CookieTestApp.SetCookie(response) is not null, $"{kind}: no fresh cookie");
            Assert.True(seen.Add(id), $"{kind}: reused browser id");
            count++;
        }

        Assert.Equal(10_000, count);
    }

    /// <summary>Two browsers' valid cookies, and the ids the app gave them.</summary>
    private static async Task<(string A, string B, string[] Ids)> TwoBrowsersAsync(CookieTestApp app, string scheme = "http")
    {
        var first = await app.Client.SendAsync(CookieTestApp.Page($"{scheme}://localhost/"));
        var second = await app.Client.SendAsync(CookieTestApp.Page($"{scheme}://localhost/"));
        return (
            CookieTestApp.CookieValue(CookieTestApp.SetCookie(first)!),
            CookieTestApp.CookieValue(CookieTestApp.SetCookie(second)!),
            [await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync()]);
    }

    [Fact]
    public async Task TwoDifferentValidCookiesAreTreatedAsNoneAndAFreshOneIsIssued()
    {
        await using var app = await CookieTestApp.StartAsync();
        var (a, b, ids) = await TwoBrowsersAsync(app);

        var response = await app.Client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser={a}; .LiveState.Browser={b}"));

        var id = await response.Content.ReadAsStringAsync();
        Assert.Equal(43, id.Length);
        Assert.DoesNotContain(id, ids);
        Assert.StartsWith(".LiveState.Browser=", CookieTestApp.SetCookie(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoDifferentHostPrefixedCookiesOverHttpsAreTreatedAsNone()
    {
        await using var app = await CookieTestApp.StartAsync();
        var (a, b, ids) = await TwoBrowsersAsync(app, "https");

        var response = await app.Client.SendAsync(CookieTestApp.Page("https://localhost/", $"__Host-.LiveState.Browser={a}; __Host-.LiveState.Browser={b}"));

        Assert.DoesNotContain(await response.Content.ReadAsStringAsync(), ids);
        Assert.NotNull(CookieTestApp.SetCookie(response));
    }

    [Fact]
    public async Task DifferentCookiesInSeparateCookieHeadersAreTreatedAsNone()
    {
        // HTTP/2 and HTTP/3 may send each cookie in a header field of its own.
        await using var app = await CookieTestApp.StartAsync();
        var (a, b, ids) = await TwoBrowsersAsync(app);
        using var request = CookieTestApp.Page(cookie: $".LiveState.Browser={a}");
        request.Headers.TryAddWithoutValidation("Cookie", $"other=1; .LiveState.Browser={b}");

        var response = await app.Client.SendAsync(request);

        Assert.DoesNotContain(await response.Content.ReadAsStringAsync(), ids);
        Assert.NotNull(CookieTestApp.SetCookie(response));
    }

    [Fact]
    public async Task AValidCookieBesideAnInvalidOneIsTreatedAsNone()
    {
        await using var app = await CookieTestApp.StartAsync();
        var (a, _, ids) = await TwoBrowsersAsync(app);

        var before = await app.Client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser=junk; .LiveState.Browser={a}"));
        var after = await app.Client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser={a}; .LiveState.Browser="));

        Assert.DoesNotContain(await before.Content.ReadAsStringAsync(), ids);
        Assert.DoesNotContain(await after.Content.ReadAsStringAsync(), ids);
    }

    [Fact]
    public async Task TheSameCookieTwiceIsThatBrowser()
    {
        await using var app = await CookieTestApp.StartAsync();
        var (a, _, ids) = await TwoBrowsersAsync(app);

        var response = await app.Client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser={a}; other=x; .LiveState.Browser={a}"));

        Assert.Equal(ids[0], await response.Content.ReadAsStringAsync());
        Assert.Null(CookieTestApp.SetCookie(response));
    }

    [Fact]
    public async Task ACookiePlantedForTheHubNeverJoinsTheVictimsCircuitToTheAttackersGroup()
    {
        // Cookie tossing: a sibling subdomain sets the attacker's own valid cookie with Path=/_blazor; the browser sends
        // it before the victim's on hub requests (longer path first). The first value used to win.
        await using var app = await CookieTestApp.StartAsync();
        var (attacker, victim, ids) = await TwoBrowsersAsync(app);
        using var hub = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate");
        hub.Headers.TryAddWithoutValidation("Cookie", $".LiveState.Browser={attacker}; .LiveState.Browser={victim}");

        var response = await app.Client.SendAsync(hub);

        Assert.Equal("none", await response.Content.ReadAsStringAsync());
        Assert.Null(CookieTestApp.SetCookie(response));
        Assert.DoesNotContain(ids[0], await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttpsAPlantedPlainCookieIsIgnored()
    {
        // A sibling subdomain cannot set a __Host- cookie; whatever it sets under the plain name is not read.
        await using var app = await CookieTestApp.StartAsync();
        var (attacker, _, _) = await TwoBrowsersAsync(app);
        var (victim, _, victimIds) = await TwoBrowsersAsync(app, "https");
        using var hub = new HttpRequestMessage(HttpMethod.Post, "https://localhost/_blazor/negotiate");
        hub.Headers.TryAddWithoutValidation("Cookie", $".LiveState.Browser={attacker}; __Host-.LiveState.Browser={victim}");

        var response = await app.Client.SendAsync(hub);

        Assert.Equal(victimIds[0], await response.Content.ReadAsStringAsync());
    }
}
