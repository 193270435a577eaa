using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace LiveState.Blazor.Sessions;

/// <summary>
/// A slot of a user's group: the browsers that signed this user out, and when. Circuits of the user in such a
/// browser that opened before that moment reload. Browsers are named by a hash, so no browser id is stored.
/// </summary>
[SessionGroupSlot("livestate.signed-out-browsers")]
internal sealed class SignedOutBrowsers
{
    public Dictionary<string, DateTimeOffset> Browsers { get; set; } = new(StringComparer.Ordinal);

    public static string Hash(string browserId) =>
        WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes("livestate-signout:" + browserId)).AsSpan(0, 16));

    public bool MustLeave(string browserId, DateTimeOffset circuitOpenedAt) =>
        Browsers.TryGetValue(Hash(browserId), out var signedOutAt) && signedOutAt >= circuitOpenedAt;
}
