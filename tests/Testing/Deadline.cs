namespace LiveState.Blazor.Testing.Tests;

/// <summary>How long a test waits for a re-render before it fails; never a fixed sleep.</summary>
internal static class Deadline
{
    public static readonly TimeSpan Render = TimeSpan.FromSeconds(5);
}
