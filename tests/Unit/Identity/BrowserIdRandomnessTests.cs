using LiveState.Blazor.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace LiveState.Blazor.Tests.Identity;

/// <summary>
/// Browser ids are 256 bits from <see cref="System.Security.Cryptography.RandomNumberGenerator"/> (the operating
/// system's CSPRNG; see <c>BrowserIdCookie.NewId</c>). Sampling cannot prove a generator unpredictable; it can catch
/// one that repeats, is biased or fixes bits, which is what a wrong generator or a wrong encoding looks like.
/// Thresholds are fixed and generous: a correct generator fails them with a probability below one in a million.
/// </summary>
public sealed class BrowserIdRandomnessTests
{
    private const int Count = 100_000;

    [Fact]
    public void HundredThousandIdsAreDistinctUniformAndBalanced()
    {
        var ids = Enumerable.Range(0, Count).Select(_ => BrowserIdCookie.NewId()).ToList();

        Assert.All(ids, id => Assert.Equal(43, id.Length));
        AssertRandom(ids.Select(WebEncoders.Base64UrlDecode).ToList());
    }

    [Fact]
    public void TheCheckRejectsAGeneratorThatIsSlightlyOff()
    {
        // The same checks pass for a good generator and fail for ones a bug could produce; else the test above proves nothing.
        var random = new Random(28879861);
        byte[] Draw() { var b = new byte[32]; random.NextBytes(b); return b; }

        var good = Enumerable.Range(0, Count).Select(_ => Draw()).ToList();
        AssertRandom(good);

        // One bit set in 53% of the ids instead of 50%.
        Assert.ThrowsAny<Exception>(() => AssertRandom(good.Select(b => random.Next(100) < 6 ? [.. b[..7], (byte)(b[7] | 0x10), .. b[8..]] : b).ToList()));

        // One byte position never takes the values 250-255 (a modulo bias).
        Assert.ThrowsAny<Exception>(() => AssertRandom(good.Select(b => (byte[])[.. b[..3], (byte)(b[3] % 250), .. b[4..]]).ToList()));

        // Each id drawn twice.
        Assert.ThrowsAny<Exception>(() => AssertRandom([.. good.Take(Count / 2), .. good.Take(Count / 2)]));

        // 31 random bytes and a zero (an id one byte short, padded).
        Assert.ThrowsAny<Exception>(() => AssertRandom(good.Select(b => (byte[])[.. b[..31], 0]).ToList()));
    }

    private static void AssertRandom(IReadOnlyList<byte[]> ids)
    {
        Assert.All(ids, id => Assert.Equal(32, id.Length));

        // No repeats, not even of the first 8 bytes (a chance of 3e-10 for 100,000 good ids).
        Assert.Equal(ids.Count, ids.Select(Convert.ToHexString).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids.Count, ids.Select(id => BitConverter.ToUInt64(id, 0)).Distinct().Count());

        // Every one of the 256 bit positions is set in half of the ids: within 1,000 of 50,000 (6.3 standard deviations).
        for (var bit = 0; bit < 256; bit++)
        {
            var ones = ids.Count(id => (id[bit / 8] & (1 << (bit % 8))) != 0);
            Assert.True(Math.Abs(ones - (ids.Count / 2)) <= ids.Count / 100, $"bit {bit} is set in {ones} of {ids.Count} ids");
        }

        // Byte values are uniform, over all bytes and at each of the 32 positions: chi-square with 255 degrees of
        // freedom below 400 (p ~ 2e-8 each for a uniform source).
        var all = new long[256];
        for (var position = 0; position < 32; position++)
        {
            var counts = new long[256];
            foreach (var id in ids)
            {
                counts[id[position]]++;
                all[id[position]]++;
            }

            var chi = ChiSquare(counts);
            Assert.True(chi < 400, $"byte {position}: chi-square {chi:0} over {ids.Count} ids");
        }

        var overall = ChiSquare(all);
        Assert.True(overall < 400, $"all bytes: chi-square {overall:0}");
    }

    private static double ChiSquare(long[] counts)
    {
        var expected = counts.Sum() / 256.0;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }
}
