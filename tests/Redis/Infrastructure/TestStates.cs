namespace LiveState.Blazor.Redis.Tests.Infrastructure;

[SessionGroupSlot("test.counter")]
public sealed class Counter
{
    public int Value { get; set; }
}

[SessionGroupSlot("test.todos")]
public sealed class TodoList
{
    public List<TodoItem> Items { get; set; } = [];

    public string Title { get; set; } = string.Empty;
}

public sealed class TodoItem
{
    public string Text { get; set; } = string.Empty;

    public bool Done { get; set; }

    public Dictionary<string, string[]> Tags { get; set; } = [];
}

/// <summary>An immutable slot, updated with UpdateAsync(Func&lt;T, T&gt;).</summary>
[SessionGroupSlot("test.score")]
public sealed record Score(int Points, string Leader)
{
    public Score()
        : this(0, string.Empty)
    {
    }
}
