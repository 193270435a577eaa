namespace LiveState.Blazor.Benchmarks.Rendering;

/// <summary>
/// One circuit's renders of the bench app's own components, by kind (a scoped service: one per circuit). Written on
/// the circuit's dispatcher, read between timed windows.
/// </summary>
public sealed class RenderCounts
{
    /// <summary>Renders of the components that read the changed slot.</summary>
    public long Readers;

    /// <summary>Renders of the 20 plain components.</summary>
    public long Plain;

    /// <summary>Renders of the page.</summary>
    public long Page;

    /// <summary>Renders of the layout.</summary>
    public long Layout;

    /// <summary>Renders of the nav menu.</summary>
    public long NavMenu;
}
