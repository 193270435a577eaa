using System.Diagnostics;

namespace LiveState.Blazor.Tests.Shared;

/// <summary>
/// Waits for a condition with a deadline; never sleeps a fixed time to "let it settle". Compiled into the unit and
/// Redis test projects (tests/Shared is linked, not a project).
/// </summary>
internal static class Wait
{
    /// <summary>How long a condition may take before the test fails: far beyond what any of them takes on a loaded machine.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? Deadline;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }
}
