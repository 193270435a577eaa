using System.Collections.Immutable;
using LiveState.Blazor;

namespace TodoApp.Todos;

/// <summary>
/// A todo list as one immutable value. Every change returns a new list, which LiveState swaps in atomically,
/// so concurrent edits from many tabs never lose each other's work.
/// </summary>
[SessionGroupSlot("todos")]
public sealed record TodoList
{
    public const int MaxItems = 200;

    public const int MaxTitleLength = 200;

    public ImmutableList<TodoItem> Items { get; init; } = [];

    public int Remaining => Items.Count(i => !i.Done);

    public int Completed => Items.Count - Remaining;

    public TodoList Add(string title, DateTimeOffset now)
    {
        var trimmed = title.Trim();
        if (trimmed.Length == 0 || Items.Count >= MaxItems)
        {
            return this;
        }

        if (trimmed.Length > MaxTitleLength)
        {
            trimmed = trimmed[..MaxTitleLength];
        }

        return this with { Items = Items.Add(new TodoItem(Guid.NewGuid(), trimmed, false, now)) };
    }

    public TodoList Toggle(Guid id) => Replace(id, item => item with { Done = !item.Done });

    public TodoList Remove(Guid id) => this with { Items = Items.RemoveAll(i => i.Id == id) };

    public TodoList ClearCompleted() => this with { Items = Items.RemoveAll(i => i.Done) };

    private TodoList Replace(Guid id, Func<TodoItem, TodoItem> change)
    {
        var index = Items.FindIndex(i => i.Id == id);
        return index < 0 ? this : this with { Items = Items.SetItem(index, change(Items[index])) };
    }
}

public sealed record TodoItem(Guid Id, string Title, bool Done, DateTimeOffset CreatedAt);
