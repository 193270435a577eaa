using LiveState.Blazor.Identity;
using Microsoft.Extensions.Primitives;

namespace LiveState.Blazor.Tests.Identity;

/// <summary>How the raw Cookie header is read: exact names, every header line, and any two different values are none.</summary>
public sealed class BrowserCookieHeaderTests
{
    private const string Name = ".LiveState.Browser";

    [Theory]
    [InlineData(".LiveState.Browser=abc", "abc")]
    [InlineData("a=1; .LiveState.Browser=abc; b=2", "abc")]
    [InlineData("a=1;.LiveState.Browser=abc;b=2", "abc")]
    [InlineData("  .LiveState.Browser \t=  abc  ", "abc")]
    [InlineData(".LiveState.Browser=\"abc\"", "abc")]
    [InlineData(".LiveState.Browser=abc; .LiveState.Browser=\"abc\"", "abc")]
    [InlineData(".LiveState.Browser=", "")]
    [InlineData(".livestate.browser=abc", null)]
    [InlineData("x.LiveState.Browser=abc; .LiveState.Browserx=def; __Host-.LiveState.Browser=ghi", null)]
    [InlineData("other=.LiveState.Browser", null)]
    [InlineData("", null)]
    public void OneValueOrNone(string header, string? expected)
    {
        Assert.Equal(expected, BrowserCookieHeader.Find(new StringValues(header), Name, out var conflicting));
        Assert.False(conflicting);
    }

    [Theory]
    [InlineData(".LiveState.Browser=abc; .LiveState.Browser=def")]
    [InlineData(".LiveState.Browser=abc; .LiveState.Browser=")]
    [InlineData(".LiveState.Browser=; .LiveState.Browser=abc")]
    [InlineData("a=1, .LiveState.Browser=abc, .LiveState.Browser=def")]
    [InlineData(".LiveState.Browser=abc; .LiveState.Browser=abc; .LiveState.Browser=ab")]
    public void TwoDifferentValuesAreNone(string header)
    {
        Assert.Null(BrowserCookieHeader.Find(new StringValues(header), Name, out var conflicting));
        Assert.True(conflicting);
    }

    [Fact]
    public void EveryHeaderLineIsRead()
    {
        Assert.Null(BrowserCookieHeader.Find(new StringValues(["a=1; .LiveState.Browser=abc", ".LiveState.Browser=def"]), Name, out var conflicting));
        Assert.True(conflicting);
        Assert.Equal("abc", BrowserCookieHeader.Find(new StringValues(["a=1", ".LiveState.Browser=abc"]), Name, out _));
    }
}
