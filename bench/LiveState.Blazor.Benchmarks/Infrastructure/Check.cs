namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>Set-up checks: a benchmark that reached the wrong tabs would measure the wrong thing.</summary>
internal static class Check
{
    /// <summary>Runs <paramref name="broadcast"/> once and fails unless exactly the tabs <paramref name="expected"/> rendered, once each.</summary>
    public static void ReachesExactly(List<FakeComponent> components, int[] expected, Func<int> broadcast)
    {
        var before = components.Select(c => c.Renders).ToArray();
        var reached = broadcast();
        if (reached != expected.Length)
        {
            throw new InvalidOperationException($"The broadcast reported {reached} tabs reached; expected {expected.Length}.");
        }

        var wanted = new HashSet<int>(expected);
        for (var i = 0; i < components.Count; i++)
        {
            var renders = components[i].Renders - before[i];
            if (renders != (wanted.Contains(i) ? 1 : 0))
            {
                throw new InvalidOperationException($"Tab {i} rendered {renders} times; expected {(wanted.Contains(i) ? 1 : 0)}.");
            }
        }
    }
}
