using System.Collections.Immutable;

namespace LiveState.Blazor.Docs.Snippets.Slots;

// snippet-begin: refused-slot
/// <summary>Refused on first use: Items has no setter, so every copy of a Basket would come back empty.</summary>
public sealed class Basket
{
    public List<string> Items { get; } = [];
}
// snippet-end: refused-slot

// snippet-begin: fixed-slots
/// <summary>A setter (or init): the copy keeps the items. Update it with MutateAsync.</summary>
public sealed class BasketWithSetter
{
    public List<string> Items { get; set; } = [];
}

/// <summary>Or an immutable record: nothing to copy. Update it with ReplaceAsync.</summary>
public sealed record BasketRecord
{
    public ImmutableList<string> Items { get; init; } = [];
}
// snippet-end: fixed-slots
