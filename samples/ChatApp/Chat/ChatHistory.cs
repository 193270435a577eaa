using LiveState.Blazor;

namespace ChatApp.Chat;

/// <summary>One message of a room.</summary>
public sealed class ChatMessage
{
    public string Id { get; set; } = string.Empty;

    public string Author { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A room's messages: a slot of the room's own state (<c>room.State&lt;ChatHistory&gt;()</c>), bounded to the last
/// <see cref="MaxMessages"/>, so a busy room costs the same as a quiet one.
/// </summary>
// snippet-begin: chat-history
[SessionGroupSlot("chat-history")]
public sealed class ChatHistory
{
    public const int MaxMessages = 100;

    public const int MaxLength = 500;

    public List<ChatMessage> Messages { get; set; } = [];

    public void Add(string author, string text, DateTimeOffset at)
    {
        Messages.Add(new ChatMessage { Id = Guid.NewGuid().ToString("N"), Author = author, Text = text, At = at });
        if (Messages.Count > MaxMessages)
        {
            Messages.RemoveRange(0, Messages.Count - MaxMessages);
        }
    }
}
// snippet-end: chat-history
