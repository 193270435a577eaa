using System.Text;
using System.Text.RegularExpressions;

namespace LiveState.Blazor.Docs;

/// <summary>
/// Keeps the guides honest: every C# or Razor sample in README.md and docs/*.md is a copy of a region of a file
/// that compiles (this project's Snippets/, the sample app, or another test project), and every relative link
/// points at a file that exists.
/// </summary>
/// <remarks>
/// In markdown, the line before a fenced block names its source: <c>&lt;!-- snippet: path#name --&gt;</c>, the path
/// relative to the repository root. In the source, the region lies between lines containing
/// <c>snippet-begin: name</c> and <c>snippet-end: name</c>; without <c>#name</c> the block is the whole file.
/// The block must equal the region with its common indentation removed.
/// </remarks>
public sealed partial class DocumentationTests
{
    private static readonly string[] CodeLanguages = ["csharp", "cs", "c#", "razor", "cshtml"];

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var path in DocumentPaths())
        {
            data.Add(path);
        }

        return data;
    }

    [Fact]
    public void The_guides_are_all_found()
    {
        var documents = DocumentPaths();
        string[] guides =
        [
            "README.md", "docs/getting-started.md", "docs/state.md", "docs/identity-and-groups.md", "docs/broadcasting.md",
            "docs/presence.md", "docs/scaling.md", "docs/security.md", "docs/testing.md", "docs/migrating.md",
            "docs/observability.md", "docs/performance.md", "docs/rooms.md", "docs/dashboard.md",
        ];
        Assert.All(guides, guide => Assert.Contains(guide, documents));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_code_sample_is_a_region_of_a_compiled_file(string document)
    {
        var problems = Check(File.ReadAllText(Path.Combine(RepositoryRoot, document)), document);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_points_at_a_file_that_exists(string document)
    {
        var directory = Path.GetDirectoryName(Path.Combine(RepositoryRoot, document))!;
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, document));
        var missing = LinkPattern().Matches(text)
            .Select(m => m.Groups["target"].Value)
            .Where(t => !t.Contains("://", StringComparison.Ordinal) && !t.StartsWith('#') && !t.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(t => t.Split('#')[0])
            .Where(t => !File.Exists(Path.Combine(directory, t)) && !Directory.Exists(Path.Combine(directory, t)))
            .ToList();
        Assert.True(missing.Count == 0, $"{document} links to missing files: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("src/LiveState.Blazor/README.md")]
    [InlineData("src/LiveState.Blazor.Redis/README.md")]
    [InlineData("src/LiveState.Blazor.Testing/README.md")]
    public void Package_readmes_link_only_to_absolute_addresses(string readme)
    {
        // A package's README is shown on its NuGet page, where a link relative to the repository leads nowhere.
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, readme));
        var relative = LinkPattern().Matches(text)
            .Select(m => m.Groups["target"].Value)
            .Where(t => !t.StartsWith("https://", StringComparison.Ordinal))
            .ToList();
        Assert.True(relative.Count == 0, $"{readme} links to addresses that are not absolute https: {string.Join(", ", relative)}");
    }

    [Fact]
    public void The_checker_accepts_a_block_equal_to_its_region()
    {
        var region = ReadRegion(Services, out var error);
        Assert.Null(error);
        Assert.Contains("AddLiveState", region, StringComparison.Ordinal);

        Assert.Empty(Check(Markdown(Services, region!), "doc.md"));
    }

    [Fact]
    public void The_checker_rejects_a_block_that_differs_from_its_source()
    {
        // The region with one line changed, as a guide drifts when its source changes and the guide does not.
        var region = ReadRegion(Services, out _)!;
        var drifted = region.Replace("AddLiveState()", "AddLiveState(options => { })", StringComparison.Ordinal);
        Assert.NotEqual(region, drifted);

        var problem = Assert.Single(Check(Markdown(Services, drifted), "doc.md"));
        Assert.Contains("doc.md:2: the block differs from " + Services, problem, StringComparison.Ordinal);
        Assert.Contains(drifted, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checker_rejects_a_block_with_a_line_more_or_less_than_its_region()
    {
        var region = ReadRegion(Services, out _)!;

        Assert.Single(Check(Markdown(Services, region + "\nbuilder.Services.AddLiveState();"), "doc.md"));
        Assert.Single(Check(Markdown(Services, region[..region.LastIndexOf('\n')]), "doc.md"));
        Assert.Single(Check(Markdown(Services, "    " + region.Replace("\n", "\n    ", StringComparison.Ordinal)), "doc.md"));
    }

    [Fact]
    public void The_checker_rejects_code_without_a_source_and_a_source_without_the_region()
    {
        var unmarked = Check("Text.\n\n```csharp\nvar x = 1;\n```\n", "doc.md");
        Assert.Contains("doc.md:3: a csharp block without", Assert.Single(unmarked), StringComparison.Ordinal);

        var missingRegion = Check(Markdown("tests/Docs/Snippets/GettingStarted.cs#no-such-region", "var x = 1;"), "doc.md");
        Assert.Contains("no region 'no-such-region'", Assert.Single(missingRegion), StringComparison.Ordinal);

        var missingFile = Check(Markdown("tests/Docs/Snippets/NoSuchFile.cs#services", "var x = 1;"), "doc.md");
        Assert.Contains("does not exist", Assert.Single(missingFile), StringComparison.Ordinal);

        // Blocks that are not C# or Razor (shell commands, XML, output) need no source.
        Assert.Empty(Check("```bash\ndotnet test\n```\n```xml\n<a />\n```\n", "doc.md"));
    }

    [Fact]
    public void The_checker_sees_blocks_indented_in_a_list_item()
    {
        var region = ReadRegion(Services, out _)!;
        var indented = $"- an item:\n\n  <!-- snippet: {Services} -->\n  ```csharp\n  {region.Replace("\n", "\n  ", StringComparison.Ordinal)}\n  ```\n";
        Assert.Empty(Check(indented, "doc.md"));

        var unmarked = Check("- an item:\n\n  ```csharp\n  var x = 1;\n  ```\n", "doc.md");
        Assert.Contains("a csharp block without", Assert.Single(unmarked), StringComparison.Ordinal);
    }

    [Fact]
    public void The_parser_reads_the_source_line_and_the_block_verbatim()
    {
        var blocks = ParseMarkdown("<!-- snippet: a.cs#x -->\n```csharp\n  var x = 1;\n```\n```csharp\nunmarked\n```\n", "doc.md");
        Assert.Equal(2, blocks.Count);
        Assert.Equal("a.cs#x", blocks[0].Source);
        Assert.Equal("  var x = 1;", blocks[0].Content);
        Assert.Null(blocks[1].Source);
    }

    private const string Services = "tests/Docs/Snippets/GettingStarted.cs#services";

    private static string Markdown(string source, string block) => $"<!-- snippet: {source} -->\n```csharp\n{block}\n```\n";

    internal static string RepositoryRoot { get; } = Repository.Root;

    private static List<string> DocumentPaths() =>
    [
        "README.md",
        "CHANGELOG.md",
        "SECURITY.md",
        "src/LiveState.Blazor/README.md",
        "src/LiveState.Blazor.Redis/README.md",
        "src/LiveState.Blazor.Testing/README.md",
        .. Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md")
            .Select(p => "docs/" + Path.GetFileName(p))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>What is wrong with the code blocks of <paramref name="text"/> (the markdown of <paramref name="document"/>): one line per problem.</summary>
    internal static List<string> Check(string text, string document)
    {
        var problems = new List<string>();
        foreach (var block in ParseMarkdown(text, document))
        {
            var isCode = CodeLanguages.Contains(block.Language, StringComparer.OrdinalIgnoreCase);
            if (block.Source is null)
            {
                if (isCode)
                {
                    problems.Add($"{document}:{block.Line}: a {block.Language} block without a '<!-- snippet: path#name -->' line before it");
                }

                continue;
            }

            var expected = ReadRegion(block.Source, out var error);
            if (expected is null)
            {
                problems.Add($"{document}:{block.Line}: {error}");
            }
            else if (expected != block.Content)
            {
                problems.Add($"{document}:{block.Line}: the block differs from {block.Source}.{Environment.NewLine}--- expected (from the source) ---{Environment.NewLine}{expected}{Environment.NewLine}--- found (in the document) ---{Environment.NewLine}{block.Content}");
            }
        }

        return problems;
    }

    internal static List<Block> ParseMarkdown(string text, string document)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Length; i++)
        {
            // A fence may be indented (a block inside a list item): its indentation is not part of the code.
            var indent = lines[i].Length - lines[i].TrimStart(' ').Length;
            if (!lines[i].AsSpan(indent).StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][(indent + 3)..].Trim();
            string? source = null;
            if (i > 0 && SnippetPattern().Match(lines[i - 1].Trim()) is { Success: true } marker)
            {
                source = marker.Groups["source"].Value;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && !lines[end].TrimStart(' ').StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (end == lines.Length)
            {
                throw new InvalidOperationException($"{document}:{i + 1}: a fenced block that never closes.");
            }

            var content = lines[start..end].Select(l => l.Length - l.TrimStart(' ').Length >= indent ? l[indent..] : l.TrimStart(' '));
            blocks.Add(new Block(i + 1, language, source, string.Join('\n', content)));
            i = end;
        }

        return blocks;
    }

    internal static string? ReadRegion(string source, out string? error) => Snippet.Read(source, out error);

    [GeneratedRegex(@"^<!--\s*snippet:\s*(?<source>\S+)\s*-->\s*$")]
    private static partial Regex SnippetPattern();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex LinkPattern();

    internal sealed record Block(int Line, string Language, string? Source, string Content);
}
