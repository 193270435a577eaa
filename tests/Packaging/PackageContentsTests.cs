using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using LiveState.Blazor.Packaging.Tests.Infrastructure;

namespace LiveState.Blazor.Packaging.Tests;

/// <summary>What each .nupkg and .snupkg holds, read from the packages <see cref="PackedFeed"/> packed.</summary>
[Collection("packages")]
public sealed class PackageContentsTests(PackedFeed feed, ITestOutputHelper output)
{
    private const string Lib = "lib/net10.0/";

    [Fact]
    public void PackingTheThreePackagesSucceedsWithWarningsAsErrors()
    {
        output.WriteLine($"dotnet pack of the three packages, version {feed.Version}: {feed.PackTime.TotalSeconds:0.0} s");
        foreach (var id in PackedFeed.PackageIds)
        {
            Assert.True(File.Exists(feed.Package(id)), $"{feed.Package(id)} is missing. dotnet pack printed:\n{feed.PackOutput}");
            Assert.True(File.Exists(feed.SymbolPackage(id)), $"{feed.SymbolPackage(id)} is missing. dotnet pack printed:\n{feed.PackOutput}");
        }
    }

    [Theory]
    [InlineData("LiveState.Blazor")]
    [InlineData("LiveState.Blazor.Redis")]
    [InlineData("LiveState.Blazor.Testing")]
    public void PackageCarriesItsReadmeLicenseAndRepository(string id)
    {
        using var package = ZipFile.OpenRead(feed.Package(id));
        var metadata = Nuspec(package, id);

        Assert.Equal(id, Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")), "a description");

        var license = Element(metadata, "license");
        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);

        // The license text travels with the binaries: the repository's LICENSE, byte for byte, at the package's root.
        Assert.Equal(File.ReadAllText(Path.Combine(feed.RepositoryRoot, "LICENSE")), Read(package, "LICENSE"));

        Assert.Equal("README.md", Value(metadata, "readme"));
        var readme = Read(package, "README.md");
        Assert.StartsWith($"# {id}", readme, StringComparison.Ordinal);

        var repository = Element(metadata, "repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Equal(PackedFeed.RepositoryUrl, (string?)repository.Attribute("url"));

        // The commit comes from git (Source Link); a checkout without git history packs without one.
        if (GitHead() is { } head)
        {
            Assert.Equal(head, (string?)repository.Attribute("commit"));
        }

        Assert.Equal(PackedFeed.RepositoryUrl[..^".git".Length], Value(metadata, "projectUrl"));
    }

    [Theory]
    [InlineData("LiveState.Blazor", "T:LiveState.Blazor.SessionGroupState")]
    [InlineData("LiveState.Blazor.Redis", "M:Microsoft.Extensions.DependencyInjection.RedisLiveStateHealthCheckBuilderExtensions.AddLiveStateRedis")]
    [InlineData("LiveState.Blazor.Testing", null)]
    public void PackageHoldsItsAssemblyAndXmlDocsAndNoTestAssemblies(string id, string? documentedMember)
    {
        using var package = ZipFile.OpenRead(feed.Package(id));
        var names = package.Entries.Select(e => e.FullName).ToList();

        Assert.Contains(Lib + id + ".dll", names);
        Assert.Equal([Lib + id + ".dll"], names.Where(n => n.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(names, n => n.Contains("Tests", StringComparison.OrdinalIgnoreCase) || n.Contains("xunit", StringComparison.OrdinalIgnoreCase));

        var docs = XDocument.Parse(Read(package, Lib + id + ".xml"));
        Assert.Equal(id, docs.Root?.Element("assembly")?.Element("name")?.Value);
        if (documentedMember is not null)
        {
            Assert.Contains(docs.Descendants("member"), m => ((string?)m.Attribute("name"))?.StartsWith(documentedMember, StringComparison.Ordinal) == true);
        }

        // Deterministic: the compiler marks the assembly reproducible.
        using var assembly = new PEReader(new MemoryStream(ReadBytes(package, Lib + id + ".dll")));
        Assert.Contains(assembly.ReadDebugDirectory(), entry => entry.Type == DebugDirectoryEntryType.Reproducible);
    }

    [Theory]
    [InlineData("LiveState.Blazor")]
    [InlineData("LiveState.Blazor.Redis")]
    [InlineData("LiveState.Blazor.Testing")]
    public void DependenciesAreThePinnedVersionsAndLiveStateOfExactlyTheSameVersion(string id)
    {
        using var package = ZipFile.OpenRead(feed.Package(id));
        var metadata = Nuspec(package, id);
        var group = Assert.Single(metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements());
        Assert.Equal("net10.0", (string?)group.Attribute("targetFramework"));
        var dependencies = group.Elements().ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);

        var expected = id switch
        {
            "LiveState.Blazor" => new Dictionary<string, string>(),
            // Exactly the version packed with it ([v], not v or later): a package of one release never runs against the
            // core of another, whose internals or seam may differ.
            "LiveState.Blazor.Redis" => new Dictionary<string, string>
            {
                ["LiveState.Blazor"] = $"[{feed.Version}]",
                ["StackExchange.Redis"] = feed.PinnedVersion("StackExchange.Redis"),
                ["Microsoft.AspNetCore.DataProtection.StackExchangeRedis"] = feed.PinnedVersion("Microsoft.AspNetCore.DataProtection.StackExchangeRedis"),
            },
            _ => new Dictionary<string, string>
            {
                ["LiveState.Blazor"] = $"[{feed.Version}]",
                ["bunit"] = feed.PinnedVersion("bunit"),
            },
        };
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), dependencies.OrderBy(p => p.Key, StringComparer.Ordinal));

        var framework = metadata.Descendants().Single(e => e.Name.LocalName == "frameworkReference");
        Assert.Equal("Microsoft.AspNetCore.App", (string?)framework.Attribute("name"));
    }

    [Theory]
    [InlineData("LiveState.Blazor")]
    [InlineData("LiveState.Blazor.Redis")]
    [InlineData("LiveState.Blazor.Testing")]
    public void SymbolPackageHoldsAPortablePdbWithRepositoryRelativePaths(string id)
    {
        using var symbols = ZipFile.OpenRead(feed.SymbolPackage(id));
        Assert.Contains(Lib + id + ".pdb", symbols.Entries.Select(e => e.FullName));

        using var pdb = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(ReadBytes(symbols, Lib + id + ".pdb")));
        var reader = pdb.GetMetadataReader();
        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();

        // ContinuousIntegrationBuild: sources are recorded as /_/..., never as this machine's checkout path.
        Assert.DoesNotContain(documents, d => d.StartsWith(feed.RepositoryRoot, StringComparison.Ordinal));
        if (HasSources(id))
        {
            Assert.Contains(documents, d => d.StartsWith($"/_/src/{id}/", StringComparison.Ordinal));
        }
    }

    // A project with no source of its own yet (Testing, while it is being written) has only generated files to record.
    private bool HasSources(string id)
    {
        var project = Path.Combine(feed.RepositoryRoot, "src", id);
        return Directory.EnumerateFiles(project, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Any(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    private static XElement Nuspec(ZipArchive package, string id)
    {
        var nuspec = XDocument.Parse(Read(package, id + ".nuspec"));
        return nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement Element(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name) ?? throw new Xunit.Sdk.XunitException($"The nuspec has no <{name}>:\n{metadata}");

    private static string Value(XElement metadata, string name) => Element(metadata, name).Value;

    private static string Read(ZipArchive archive, string entry)
    {
        using var reader = new StreamReader(Open(archive, entry));
        return reader.ReadToEnd();
    }

    private static byte[] ReadBytes(ZipArchive archive, string entry)
    {
        using var stream = Open(archive, entry);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static Stream Open(ZipArchive archive, string entry) =>
        (archive.GetEntry(entry) ?? throw new Xunit.Sdk.XunitException($"No {entry} in the package; it holds:\n{string.Join('\n', archive.Entries.Select(e => e.FullName))}")).Open();

    private string? GitHead()
    {
        try
        {
            var start = new ProcessStartInfo("git", ["rev-parse", "HEAD"])
            {
                WorkingDirectory = feed.RepositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var git = Process.Start(start)!;
            var head = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? head : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on this machine: the commit's shape is still checked.
            return null;
        }
    }
}
