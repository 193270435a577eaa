namespace LiveState.Blazor.Docs.Snippets;

/// <summary>Stands in for an app's Program class, which the snippets' Router names as its assembly.</summary>
public static class Program
{
}
