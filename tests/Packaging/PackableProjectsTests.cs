using System.Xml.Linq;
using LiveState.Blazor.Packaging.Tests.Infrastructure;

namespace LiveState.Blazor.Packaging.Tests;

/// <summary>
/// Only src/ makes packages: every other project (tests, benchmarks, samples) inherits IsPackable=false from its
/// folder's Directory.Build.props and does not turn it back on. Read from the files, without a build.
/// </summary>
public sealed class PackableProjectsTests
{
    [Fact]
    public void OnlyTheThreeSourceProjectsArePackable()
    {
        var root = Repository.Root;
        var projects = Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !IsBuildOutput(Path.GetRelativePath(root, p)))
            .ToList();
        Assert.NotEmpty(projects);

        var packable = projects.Where(p => IsPackable(root, p)).Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal);
        Assert.Equal(PackedFeed.PackageIds.Order(StringComparer.Ordinal), packable);
    }

    private static bool IsPackable(string root, string project)
    {
        // The project's own setting wins; otherwise the nearest Directory.Build.props that sets it (each imports the one above).
        if (IsPackableSetting(project) is { } own)
        {
            return own;
        }

        for (var directory = Path.GetDirectoryName(project); directory is not null && directory.Length >= root.Length; directory = Path.GetDirectoryName(directory))
        {
            var props = Path.Combine(directory, "Directory.Build.props");
            if (File.Exists(props) && IsPackableSetting(props) is { } inherited)
            {
                return inherited;
            }
        }

        // The SDK's default.
        return true;
    }

    private static bool? IsPackableSetting(string file) =>
        XDocument.Load(file).Descendants().LastOrDefault(e => e.Name.LocalName == "IsPackable") is { } setting
            ? bool.Parse(setting.Value.Trim())
            : null;

    private static bool IsBuildOutput(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "artifacts" or "TestResults" or ".git");
}
