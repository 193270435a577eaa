namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// A fixed pseudo-random sequence of targets (group or user ids), drawn once with a fixed seed so that every side
/// of a paired case meets the same targets in the same order; each side walks it with a <see cref="Cursor"/> of its own.
/// </summary>
internal sealed class Targets(string[] all)
{
    public string[] All { get; } = all;

    /// <summary>Indices in [<paramref name="first"/>, <paramref name="count"/>'s world size) drawn uniformly.</summary>
    public static int[] Draw(int size, int first, int count, int seed)
    {
        var random = new Random(seed);
        var draws = new int[count];
        for (var i = 0; i < count; i++)
        {
            draws[i] = random.Next(first, size);
        }

        return draws;
    }

    public TargetCursor Cursor() => new(All);
}

/// <summary>One side's walk through a <see cref="Targets"/> sequence.</summary>
internal sealed class TargetCursor(string[] all)
{
    private int _next;

    public string Next()
    {
        var target = all[_next];
        _next = _next + 1 == all.Length ? 0 : _next + 1;
        return target;
    }
}

/// <summary>The same sequence taken three distinct ids at a time (three users of a <c>BroadcastToUsersAsync</c>).</summary>
internal sealed class ThreeAtATime
{
    private readonly string[][] _triples;

    public ThreeAtATime(string[] all)
    {
        var triples = new List<string[]>();
        for (var i = 0; i + 2 < all.Length; i += 3)
        {
            if (all[i] != all[i + 1] && all[i] != all[i + 2] && all[i + 1] != all[i + 2])
            {
                triples.Add([all[i], all[i + 1], all[i + 2]]);
            }
        }

        _triples = [.. triples];
    }

    public Cursor3 Cursor() => new(_triples);

    internal sealed class Cursor3(string[][] triples)
    {
        private int _next;

        public string[] Next()
        {
            var target = triples[_next];
            _next = _next + 1 == triples.Length ? 0 : _next + 1;
            return target;
        }
    }
}
