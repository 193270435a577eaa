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

    [Fact]
    public async Task RepeatedCookiesWithOneValidValueNeverMixTwoBrowsers()
    {
        await using var app = await CookieTestApp.StartAsync();
        var first = await app.Client.SendAsync(CookieTestApp.Page());
        var second = await app.Client.SendAsync(CookieTestApp.Page());
        var a = CookieTestApp.CookieValue(CookieTestApp.SetCookie(first)!);
        var b = CookieTestApp.CookieValue(CookieTestApp.SetCookie(second)!);
        var ids = new[] { await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync() };

        var response = await app.Client.SendAsync(CookieTestApp.Page(cookie: $".LiveState.Browser={a}; .LiveState.Browser={b}"));

        // Whichever value the server reads, the request is exactly one of the two browsers.
        Assert.Contains(await response.Content.ReadAsStringAsync(), ids);
    }
}
