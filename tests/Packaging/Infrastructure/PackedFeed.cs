using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

namespace LiveState.Blazor.Packaging.Tests.Infrastructure;

/// <summary>
/// Packs the three packages once for the "packages" collection, as a release would (<c>dotnet pack -c Release
/// -warnaserror</c>), into a folder feed under a temp dir of this run, and removes it all afterwards.
/// </summary>
/// <remarks>
/// <para>Each run packs a version of its own (<c>0.0.1-pkgtest.{time}.{random}</c>): NuGet's global packages folder
/// keys packages by id and version only, so a fixed version would let an app restore yesterday's copy from the cache.
/// The shared cache is kept on purpose: bunit, xunit and StackExchange.Redis come from it, as they do for the
/// repository's own build, instead of from the network on every run; this run's LiveState versions are deleted from
/// it afterwards.</para>
/// <para>The build goes to an artifacts dir under the temp dir (<c>-p:ArtifactsPath</c>), so packing neither reuses
/// nor overwrites the repository's bin and obj.</para>
/// <para>The temp dir is outside the repository and holds empty Directory.Build.props, Directory.Build.targets and
/// Directory.Packages.props: MSBuild's upward search for them stops there, so the apps built on the packages see
/// nothing of the repository's (or of any /tmp-wide) settings, like a user's app would. Its nuget.config clears the
/// machine's sources and maps LiveState.* to the folder feed only, everything else to nuget.org.</para>
/// </remarks>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["LiveState.Blazor", "LiveState.Blazor.Redis", "LiveState.Blazor.Testing"];

    /// <summary>No git remote exists here, so the public address is passed at pack time, as a release would.</summary>
    public const string RepositoryUrl = "https://example.invalid/livestate/livestate-blazor.git";

    public PackedFeed()
    {
        RepositoryRoot = Repository.Root;
        Root = Path.Combine(Path.GetTempPath(), "livestate-packaging-" + Guid.NewGuid().ToString("N")[..12]);
        Version = string.Create(CultureInfo.InvariantCulture, $"0.0.1-pkgtest.{DateTime.UtcNow:yyyyMMddHHmmss}.r{Guid.NewGuid().ToString("N")[..8]}");
    }

    public string RepositoryRoot { get; }

    /// <summary>This run's temp dir: the feed, the build artifacts and the apps built on the packages.</summary>
    public string Root { get; }

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; }

    public TimeSpan PackTime { get; private set; }

    public string PackOutput { get; private set; } = string.Empty;

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackage(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    /// <summary>The version the repository pins for <paramref name="id"/> in Directory.Packages.props.</summary>
    public string PinnedVersion(string id) =>
        XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(e => string.Equals((string?)e.Attribute("Include"), id, StringComparison.OrdinalIgnoreCase))
            .Attribute("Version")!.Value;

    /// <summary>A new dir under <see cref="Root"/>.</summary>
    public string NewDirectory(string name)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
        File.Copy(Path.Combine(RepositoryRoot, "global.json"), Path.Combine(Root, "global.json"));
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="livestate-local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="livestate-local">
                  <package pattern="LiveState.Blazor" />
                  <package pattern="LiveState.Blazor.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        // One solution of the three projects: one restore and one build graph, both cores busy.
        var solution = Path.Combine(Root, "packages.slnx");
        File.WriteAllText(solution, "<Solution>\n" + string.Concat(PackageIds.Select(id =>
            $"  <Project Path=\"{Path.Combine(RepositoryRoot, "src", id, id + ".csproj")}\" />\n")) + "</Solution>\n");

        var clock = Stopwatch.StartNew();
        PackOutput = await DotNet.RunAsync(Root,
        [
            "pack", solution, "-c", "Release", "-warnaserror", "-nodeReuse:false", "-nologo",
            "-o", Feed,
            $"-p:ArtifactsPath={Path.Combine(Root, "artifacts")}",
            $"-p:Version={Version}",
            $"-p:RepositoryUrl={RepositoryUrl}",
        ]);
        PackTime = clock.Elapsed;
    }

    public Task DisposeAsync()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var packageFolder = Path.Combine(cache, id.ToLowerInvariant());
            DeleteDirectory(Path.Combine(packageFolder, Version.ToLowerInvariant()));
            try
            {
                // Only if no other version is there (another run's, or a real one).
                if (Directory.Exists(packageFolder) && !Directory.EnumerateFileSystemEntries(packageFolder).Any())
                {
                    Directory.Delete(packageFolder);
                }
            }
            catch (IOException)
            {
                // Another run restored into it meanwhile: leave it.
            }
        }

        DeleteDirectory(Root);
        return Task.CompletedTask;
    }

    private static void DeleteDirectory(string directory)
    {
        for (var attempt = 0; attempt < 3 && Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A process that just exited may still hold a file for a moment.
                Thread.Sleep(200);
            }
        }
    }
}

[CollectionDefinition("packages")]
public sealed class PackagesCollection : ICollectionFixture<PackedFeed>;
