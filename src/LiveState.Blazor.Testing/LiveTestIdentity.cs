using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace LiveState.Blazor.Testing;

/// <summary>
/// The identities the default resolver gives real circuits, for rendering a component as one of them:
/// a signed-in user (<c>user:{id}</c>) or an anonymous browser (<see cref="LiveIdentity.BrowserGroup"/>). For a custom group
/// (a team, a workspace) create a <see cref="LiveIdentity"/> directly.
/// </summary>
public static class LiveTestIdentity
{
    /// <summary>A signed-in user: every tab and device of the user shares the group <c>user:{userId}</c>.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="memberships">Further groups the user's circuits belong to (for example <c>team:red</c>).</param>
    /// <returns>The identity.</returns>
    public static LiveIdentity User(string userId, params IEnumerable<string> memberships)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new LiveIdentity(LiveIdentity.UserGroup(userId), userId, memberships);
    }

    // A browser's group id is a one-way hash of its browser id: keep the id beside the identity, so that a circuit
    // opened as Browser("laptop") carries the browser id "laptop" as a real circuit would (sign-in carry-over).
    private static readonly ConditionalWeakTable<LiveIdentity, string> BrowserIds = new();

    /// <summary>An anonymous browser: every tab of it shares the group <see cref="LiveIdentity.BrowserGroup"/> of <paramref name="browserId"/>.</summary>
    /// <param name="browserId">A name for the browser (say <c>laptop</c>); tabs opened with the same name share state.</param>
    /// <returns>The identity.</returns>
    public static LiveIdentity Browser(string browserId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(browserId);
        var identity = new LiveIdentity(LiveIdentity.BrowserGroup(browserId));
        BrowserIds.AddOrUpdate(identity, browserId);
        return identity;
    }

    /// <summary>The browser id an identity made by <see cref="Browser"/> stands for, or null.</summary>
    internal static string? BrowserIdOf(LiveIdentity identity) => BrowserIds.TryGetValue(identity, out var browserId) ? browserId : null;

    /// <summary>An anonymous browser no other test identity shares: a fresh, random browser id.</summary>
    /// <returns>The identity.</returns>
    public static LiveIdentity NewBrowser() => Browser(WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)));
}
