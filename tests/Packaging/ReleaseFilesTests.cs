using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LiveState.Blazor.Packaging.Tests;

/// <summary>
/// What a release is made of, read from the repository's files without a build: the license the packages declare and
/// the LICENSE that grants it, one version for every package, and a changelog and a security policy that agree.
/// </summary>
public sealed partial class ReleaseFilesTests
{
    private static readonly string Root = Repository.Root;

    [Fact]
    public void TheLicenseInTheRootIsMitForTheContributorsAsThePackagesDeclare()
    {
        var license = File.ReadAllText(Path.Combine(Root, "LICENSE"));
        Assert.StartsWith("MIT License", license, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) LiveState.Blazor contributors", license, StringComparison.Ordinal);
        Assert.Contains("Permission is hereby granted, free of charge", license, StringComparison.Ordinal);
        Assert.Contains("THE SOFTWARE IS PROVIDED \"AS IS\"", license, StringComparison.Ordinal);

        Assert.Equal("MIT", Property("Directory.Build.props", "PackageLicenseExpression"));
        Assert.Equal("LiveState.Blazor contributors", Property("Directory.Build.props", "Authors"));

        // An expression and a license file exclude each other in a nuspec: nothing may set PackageLicenseFile.
        Assert.DoesNotContain(BuildFiles(), f => XDocument.Load(f).Descendants().Any(e => e.Name.LocalName == "PackageLicenseFile"));
    }

    [Fact]
    public void EveryPackageTakesItsVersionFromOnePlace()
    {
        // src/Directory.Build.props sets it; no project, and no other props file, sets a version of its own.
        var prefix = Property("src/Directory.Build.props", "VersionPrefix");
        Assert.Matches(@"^\d+\.\d+\.\d+$", prefix);

        string[] versionProperties = ["Version", "VersionPrefix", "VersionSuffix", "PackageVersion", "AssemblyVersion", "FileVersion", "InformationalVersion"];
        var elsewhere = BuildFiles()
            .Where(f => f != Path.Combine(Root, "src", "Directory.Build.props"))
            .SelectMany(f => XDocument.Load(f).Descendants()
                .Where(e => e.Parent?.Name.LocalName == "PropertyGroup" && versionProperties.Contains(e.Name.LocalName))
                .Select(e => $"{Path.GetRelativePath(Root, f)}: <{e.Name.LocalName}>{e.Value}</{e.Name.LocalName}>"))
            .ToList();
        Assert.True(elsewhere.Count == 0, "Versions set outside src/Directory.Build.props:\n" + string.Join('\n', elsewhere));
    }

    [Fact]
    public void TheChangelogsNewestReleaseIsTheVersionThePackagesCarry()
    {
        var prefix = Property("src/Directory.Build.props", "VersionPrefix");
        var changelog = File.ReadAllText(Path.Combine(Root, "CHANGELOG.md"));

        var releases = ReleaseHeading().Matches(changelog).Select(m => m.Groups["version"].Value).ToList();
        Assert.NotEmpty(releases);
        Assert.Equal(prefix, releases[0]);
        Assert.Equal(releases.Distinct(StringComparer.Ordinal).Count(), releases.Count);

        // Keep a Changelog: in each release, breaking changes come first.
        var newest = changelog[changelog.IndexOf("## [" + prefix + "]", StringComparison.Ordinal)..];
        var next = newest.IndexOf("\n## [", 1, StringComparison.Ordinal);
        var sections = SectionHeading().Matches(next < 0 ? newest : newest[..next]).Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(sections);
        Assert.Equal("Breaking changes", sections[0]);
        Assert.All(sections, s => Assert.Contains(s, (string[])["Breaking changes", "Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"]));
    }

    [Fact]
    public void TheSecurityPolicySaysHowToReportPrivatelyAndLinksTheThreatModel()
    {
        var policy = File.ReadAllText(Path.Combine(Root, "SECURITY.md"));
        Assert.Contains("Report a vulnerability", policy, StringComparison.Ordinal);
        Assert.Contains("Do not open a public issue", policy, StringComparison.Ordinal);
        Assert.Contains("](docs/security.md)", policy, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "docs", "security.md")));
    }

    private static string Property(string file, string name) =>
        XDocument.Load(Path.Combine(Root, file)).Descendants().LastOrDefault(e => e.Name.LocalName == name)?.Value.Trim()
        ?? throw new Xunit.Sdk.XunitException($"No <{name}> in {file}");

    private static IEnumerable<string> BuildFiles() =>
        Directory.EnumerateFiles(Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(Root, f).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "artifacts" or "TestResults" or ".git" or "node_modules"));

    [GeneratedRegex(@"^## \[(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)\]", RegexOptions.Multiline)]
    private static partial Regex ReleaseHeading();

    [GeneratedRegex(@"^### (?<name>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex SectionHeading();
}
