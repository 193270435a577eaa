using System.Collections.Immutable;

namespace LiveState.Blazor.Tests.Infrastructure;

public sealed class Counter
{
    public int Value { get; set; }
}

/// <summary>Mutable state with an invariant: Count always equals Items.Count in a complete snapshot.</summary>
public sealed class Ledger
{
    public List<int> Items { get; set; } = [];

    public int Count { get; set; }
}

public sealed record Tally(ImmutableList<string> Names)
{
    public Tally()
        : this(ImmutableList<string>.Empty)
    {
    }
}

[SessionGroupSlot("todo-list")]
public sealed class NamedSlot
{
    public string? Text { get; set; }
}
