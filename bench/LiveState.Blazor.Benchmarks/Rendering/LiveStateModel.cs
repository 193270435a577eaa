namespace LiveState.Blazor.Benchmarks.Rendering;

// The seam between the real-render benchmarks (render, circuit-memory, idle) and LiveState's component model: they
// only ever see ILiveStateModel. Two implementations, one per library tree, so that before and after run the same
// harness:
//   after   SubscriptionModel (SubscriptionModel.cs): the component model of issue 11, this tree's. The default.
//   before  CascadeModel (CascadeModel.cs): LiveState 0.1's CascadingSessionGroupState. It compiles only when this
//           bench/ is built inside a checkout of 0.1 (commit d8dcec8): bench/scripts/before-tree.sh makes one, and
//           the project defines LIVESTATE_0_1 there. On this tree the wrapper is an obsolete pass-through, so a
//           "before" built here would measure the new cascade, not 0.1's.

/// <summary>The LiveState side of the real-render benchmarks: the app, how it opens circuits, and what it renders.</summary>
internal interface ILiveStateModel : IBenchApp
{
    /// <summary>What <see cref="BroadcastToGroupAsync"/> and <see cref="BroadcastToAllAsync"/> render per circuit reached.</summary>
    ExpectedRenders Broadcast { get; }

    /// <summary>What <see cref="UpdateAsync"/> renders per circuit of the group.</summary>
    ExpectedRenders Update { get; }

    /// <summary>An explicit broadcast to one group (<c>ILiveBroadcaster.BroadcastToGroupAsync</c>).</summary>
    ValueTask<int> BroadcastToGroupAsync(string groupId);

    /// <summary>An explicit broadcast to every circuit.</summary>
    ValueTask<int> BroadcastToAllAsync();

    /// <summary>An update of the slot the readers read, in one group (a record replaced; the renders it causes included).</summary>
    Task UpdateAsync(string groupId);
}

/// <summary>The LiveState models the benchmarks know, by the name <c>--model</c> takes.</summary>
internal static class LiveStateModels
{
#if LIVESTATE_0_1
    /// <summary>On LiveState 0.1 the only model is its cascade.</summary>
    public const string Default = "before";

    /// <summary>Which library tree this build runs against, for the first line of every report.</summary>
    public const string Library = "LiveState 0.1 (no component model; built by bench/scripts/before-tree.sh)";

    public static ILiveStateModel Create(string name) => name switch
    {
        "before" => new CascadeModel(),
        "after" => throw new ArgumentException("This bench/ is built against LiveState 0.1, which has no component model: run '--model after' from the repository's own bench/."),
        _ => throw new ArgumentException($"Unknown LiveState model '{name}': 'before' (0.1's CascadingSessionGroupState) is the only one on this tree."),
    };
#else
    /// <summary>The component model of this tree.</summary>
    public const string Default = "after";

    /// <summary>Which library tree this build runs against, for the first line of every report.</summary>
    public const string Library = "LiveState with the component model (this tree)";

    public static ILiveStateModel Create(string name) => name switch
    {
        "after" => new SubscriptionModel(),
        "before" => throw new ArgumentException("'before' is LiveState 0.1's cascade, which this tree no longer has (CascadingSessionGroupState is a pass-through here): run bench/scripts/before-tree.sh and use the benchmark it builds. See bench/README.md, \"Before and after\"."),
        _ => throw new ArgumentException($"Unknown LiveState model '{name}': 'after' (the component model) is this tree's; 'before' needs bench/scripts/before-tree.sh."),
    };
#endif
}

/// <summary>The slot the readers read.</summary>
[SessionGroupSlot("bench.render-slot")]
public sealed record RenderSlot(int Value)
{
    /// <summary>The empty slot.</summary>
    public RenderSlot()
        : this(0)
    {
    }
}
