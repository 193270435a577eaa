using System.Security.Cryptography;
using LiveState.Blazor;

namespace ChatApp.Chat;

/// <summary>
/// The guest name of an anonymous browser: a slot of its session group, so every tab of the browser chats under the same
/// name. Signed-in users chat under their account's name instead.
/// </summary>
[SessionGroupSlot("chat-profile")]
public sealed class ChatProfile
{
    private static readonly string[] Animals = ["Otter", "Heron", "Lynx", "Marten", "Puffin", "Ibex", "Gecko", "Wren", "Tapir", "Koala"];

    public string? GuestName { get; set; }

    /// <summary>A new guest name: an animal and a number ("Guest Otter 42").</summary>
    public static string NewGuestName() =>
        $"Guest {Animals[RandomNumberGenerator.GetInt32(Animals.Length)]} {RandomNumberGenerator.GetInt32(10, 100)}";
}
