using System.Text;

namespace LiveState.Blazor.Tests.Shared;

/// <summary>
/// Regions of the repository's compiled files that the guides show: the lines between <c>snippet-begin: name</c> and
/// <c>snippet-end: name</c> (in any comment syntax), dedented. The documentation tests compare every code block of the
/// guides with its region; the template tests apply the getting-started regions to real <c>dotnet new</c> apps.
/// </summary>
internal static class Snippet
{
    /// <summary>
    /// The region named by <paramref name="source"/> (<c>path#name</c>, relative to the repository root; without
    /// <c>#name</c> the whole file), or null with <paramref name="error"/> saying why.
    /// </summary>
    public static string? Read(string source, out string? error)
    {
        var parts = source.Split('#', 2);
        var path = Path.Combine(Repository.Root, parts[0]);
        if (!File.Exists(path))
        {
            error = $"the source {parts[0]} does not exist";
            return null;
        }

        var lines = File.ReadAllText(path).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        if (parts.Length == 1)
        {
            error = null;
            return string.Join('\n', lines.Select(l => l.TrimEnd()));
        }

        var name = parts[1];
        var begin = Array.FindIndex(lines, l => IsMarker(l, "snippet-begin", name));
        var end = Array.FindIndex(lines, l => IsMarker(l, "snippet-end", name));
        if (begin < 0 || end < begin)
        {
            error = $"{parts[0]} has no region '{name}' (lines with 'snippet-begin: {name}' and 'snippet-end: {name}')";
            return null;
        }

        error = null;
        return Dedent(lines[(begin + 1)..end]);
    }

    /// <summary>The region named by <paramref name="source"/>; throws when there is none.</summary>
    public static string Read(string source) =>
        Read(source, out var error) ?? throw new InvalidOperationException(error);

    private static bool IsMarker(string line, string kind, string name)
    {
        var at = line.IndexOf(kind + ":", StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var rest = line[(at + kind.Length + 1)..].Trim();
        if (rest.EndsWith("*@", StringComparison.Ordinal) || rest.EndsWith("-->", StringComparison.Ordinal) || rest.EndsWith("*/", StringComparison.Ordinal))
        {
            var space = rest.LastIndexOf(' ');
            rest = space > 0 ? rest[..space].Trim() : rest;
        }

        return rest == name;
    }

    private static string Dedent(string[] lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                builder.Append('\n');
            }

            var line = lines[i].TrimEnd();
            builder.Append(line.Length >= indent ? line[indent..] : line.TrimStart());
        }

        return builder.ToString();
    }
}
