namespace LiveState.Blazor.Tests.Infrastructure;

/// <summary>Waits for a condition with a deadline; never sleeps a fixed time to "let it settle".</summary>
internal static class Wait
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Yield();
            await Task.Delay(5);
        }
    }
}
