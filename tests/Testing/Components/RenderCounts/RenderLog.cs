using System.Collections.Concurrent;

namespace LiveState.Blazor.Testing.Tests.Components.RenderCounts;

/// <summary>One circuit's component renders, by kind of component (scoped: one per circuit).</summary>
public sealed class RenderLog
{
    private readonly ConcurrentDictionary<string, int> _renders = new(StringComparer.Ordinal);

    public void Note(string kind) => _renders.AddOrUpdate(kind, 1, static (_, n) => n + 1);

    /// <summary>The renders since the last <see cref="Clear"/>, by kind, in ordinal order.</summary>
    public IReadOnlyDictionary<string, int> Renders => new SortedDictionary<string, int>(_renders, StringComparer.Ordinal);

    public void Clear() => _renders.Clear();
}

/// <summary>Slot A of the render-count page.</summary>
public sealed class SlotA
{
    public int Value { get; set; }
}

/// <summary>Slot B of the render-count page.</summary>
public sealed class SlotB
{
    public int Value { get; set; }
}
