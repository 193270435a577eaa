namespace LiveState.Blazor.Tests.Shared;

/// <summary>
/// The repository's root: the folder above the running assembly that holds LiveState.sln. Compiled into the
/// suites and the latency harness that read files of the repository (tests/Shared is linked, not a project).
/// </summary>
internal static class Repository
{
    /// <summary>The root, or null when the assembly runs outside the repository.</summary>
    public static string? TryFindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LiveState.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>The root; throws when the assembly runs outside the repository.</summary>
    public static string Root => TryFindRoot() ?? throw new InvalidOperationException($"No LiveState.sln above {AppContext.BaseDirectory}: run from inside the repository.");
}
