namespace LiveState.Blazor.Testing.Internal;

/// <summary>Runs the library's asynchronous circuit and state calls for bUnit's synchronous test style.</summary>
internal static class Sync
{
    // Far beyond what any of these calls takes; a hang fails the test instead of blocking it forever.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="work"/> on the thread pool (never on the caller's synchronization context, so it cannot deadlock on it) and waits for it.</summary>
    public static void Run(Func<Task> work, string what)
    {
        try
        {
            Task.Run(work).WaitAsync(Limit).GetAwaiter().GetResult();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{what} did not finish within {Limit}.", ex);
        }
    }
}
