using System.Text;
using LiveState.Blazor.Tests.Shared;

namespace LiveState.Blazor.Packaging.Tests.Infrastructure;

/// <summary>
/// The steps of docs/getting-started.md, applied to an app made by <c>dotnet new blazor</c> with the guide's own
/// snippets (the compiled regions under tests/Docs/Snippets), so that the guide and this test cannot drift apart.
/// </summary>
internal static class GettingStartedGuide
{
    public const string Services = "tests/Docs/Snippets/GettingStarted.cs#services";
    public const string Pipeline = "tests/Docs/Snippets/GettingStarted.cs#pipeline";
    public const string Imports = "tests/Docs/_Imports.razor#imports";
    public const string Slot = "tests/Docs/Snippets/GettingStarted.cs#slot";
    public const string Counter = "tests/Docs/Snippets/SharedCounter.razor#counter";

    /// <summary>Steps 2 to 4 of the guide (step 1, <c>dotnet add package</c>, is the caller's).</summary>
    public static void Apply(string app)
    {
        // 2. Program.cs: the services after AddRazorComponents, the middleware before UseAntiforgery.
        Patch(Path.Combine(app, "Program.cs"), Snippet.Read(Services));
        Patch(Path.Combine(app, "Program.cs"), Snippet.Read(Pipeline));

        // 3. _Imports.razor: the namespace.
        Patch(Path.Combine(app, "Components", "_Imports.razor"), Snippet.Read(Imports));

        // 4. A slot, and the Counter page shared by every tab: the page keeps its @page and @rendermode lines.
        File.WriteAllText(Path.Combine(app, "Clicks.cs"), Snippet.Read(Slot) + "\n");
        var counter = Path.Combine(app, "Components", "Pages", "Counter.razor");
        var directives = File.ReadAllLines(counter)
            .Select(l => l.TrimStart('\uFEFF'))
            .Where(l => l.StartsWith("@page", StringComparison.Ordinal) || l.StartsWith("@rendermode", StringComparison.Ordinal));
        File.WriteAllText(counter, string.Join('\n', directives) + "\n\n" + Snippet.Read(Counter) + "\n");
    }

    /// <summary>
    /// Applies a snippet to a file the way a reader does: the snippet's lines that the file has already (compared
    /// without indentation and trailing comments) show where its other lines go: after the line before them, or,
    /// for lines before the first such line, just before it. A snippet sharing no line with the file is appended.
    /// </summary>
    internal static void Patch(string path, string snippet)
    {
        var target = File.ReadAllLines(path).Select(l => l.TrimStart('\uFEFF')).ToList();
        var lines = snippet.Split('\n');
        var anchors = new int[lines.Length];
        var from = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            anchors[i] = -1;
            var wanted = Code(lines[i]);
            for (var j = from; wanted.Length > 0 && j < target.Count; j++)
            {
                if (Code(target[j]) == wanted)
                {
                    anchors[i] = j;
                    from = j + 1;
                    break;
                }
            }
        }

        var firstAnchor = Array.FindIndex(anchors, a => a >= 0);
        var inserted = 0;
        var at = firstAnchor < 0 ? target.Count : anchors[firstAnchor];
        for (var i = 0; i < lines.Length; i++)
        {
            if (anchors[i] >= 0)
            {
                at = anchors[i] + inserted + 1;
                continue;
            }

            var indent = at > 0 && at - 1 < target.Count ? Indentation(target[Math.Min(at, target.Count) - 1]) : string.Empty;
            target.Insert(at, indent + lines[i]);
            inserted++;
            at++;
        }

        File.WriteAllText(path, string.Join('\n', target) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string Code(string line)
    {
        var code = line.Trim();
        var comment = code.IndexOf("//", StringComparison.Ordinal);
        return (comment >= 0 ? code[..comment] : code).Trim();
    }

    private static string Indentation(string line) => line[..(line.Length - line.TrimStart().Length)];
}
