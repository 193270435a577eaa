using System.Collections.Immutable;

namespace LiveState.Blazor.Docs.Snippets.Migrating;

// snippet-begin: chat-log
/// <summary>The chat, as the state of one well-known group that no circuit belongs to.</summary>
[SessionGroupSlot("chat")]
public sealed record ChatLog
{
    public const string GroupId = "app:chat";

    public ImmutableList<string> Messages { get; init; } = [];
}
// snippet-end: chat-log
