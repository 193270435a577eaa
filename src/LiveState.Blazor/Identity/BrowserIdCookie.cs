using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace LiveState.Blazor.Identity;

/// <summary>Creates, seals and unseals browser ids. A value that does not unseal to exactly one id is absent.</summary>
internal sealed class BrowserIdCookie
{
    // Versioned: a future format change uses a new purpose, so old cookies read as absent rather than misread.
    internal const string Purpose = "LiveState.Blazor.BrowserId.v1";
    internal const int IdBytes = 32;

    // A sealed 32-byte id is about 150 characters; anything far longer is not ours and is not worth decrypting.
    internal const int MaxCookieLength = 512;

    private readonly IDataProtector _protector;

    public BrowserIdCookie(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    /// <summary>A fresh 256-bit id, base64url encoded (43 characters).</summary>
    public static string NewId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(IdBytes));

    public string Seal(string browserId)
    {
        var raw = WebEncoders.Base64UrlDecode(browserId);
        return WebEncoders.Base64UrlEncode(_protector.Protect(raw));
    }

    /// <summary>The browser id sealed in <paramref name="cookieValue"/>, or null for anything that is not a valid, untampered seal of ours.</summary>
    public string? TryUnseal(string? cookieValue)
    {
        if (string.IsNullOrEmpty(cookieValue) || cookieValue.Length > MaxCookieLength)
        {
            return null;
        }

        try
        {
            var raw = _protector.Unprotect(WebEncoders.Base64UrlDecode(cookieValue));
            return raw.Length == IdBytes ? WebEncoders.Base64UrlEncode(raw) : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
