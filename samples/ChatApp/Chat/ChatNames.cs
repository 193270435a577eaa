using System.Security.Claims;
using LiveState.Blazor;

namespace ChatApp.Chat;

/// <summary>The name a tab chats under.</summary>
public static class ChatNames
{
    /// <summary>Gives the browser a guest name if it has none yet; every tab of the browser gets the same one (the first write wins).</summary>
    public static async Task<string> EnsureGuestNameAsync(ILiveState<ChatProfile> profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Value.GuestName is { } name)
        {
            return name;
        }

        var candidate = ChatProfile.NewGuestName();
        var stored = await profile.MutateAsync(p => p.GuestName ??= candidate);
        return stored.GuestName ?? candidate;
    }

    /// <summary>The signed-in user's name, or the browser's guest name.</summary>
    public static async Task<string> DisplayNameAsync(ClaimsPrincipal? user, ILiveState<ChatProfile> profile) =>
        user?.Identity?.IsAuthenticated == true && user.Identity.Name is { Length: > 0 } signedIn
            ? signedIn
            : await EnsureGuestNameAsync(profile);
}
