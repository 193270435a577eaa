using System.Collections.Immutable;
using LiveState.Blazor;

namespace LiveState.Blazor.Testing.Tests.Components;

// snippet-begin: todo-state
/// <summary>A small shared todo list, as an app would keep it: one immutable value per session group.</summary>
[SessionGroupSlot("todos")]
public sealed record TodoState
{
    public ImmutableList<string> Items { get; init; } = [];

    public TodoState Add(string title) => this with { Items = Items.Add(title) };
}
// snippet-end: todo-state

/// <summary>A shared counter kept as a mutable class (copied on every update).</summary>
public sealed class CounterState
{
    public int Count { get; set; }
}

/// <summary>Something every circuit shows when a broadcast reaches it: the current notice for a user.</summary>
public sealed class NoticeBoard
{
    public const string GroupId = "app:notices";

    public Dictionary<string, string> ByUser { get; set; } = [];
}
