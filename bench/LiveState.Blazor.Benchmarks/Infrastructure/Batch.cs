namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// Runs a benchmark's operation <see cref="Size"/> times on a thread-pool thread, awaiting each, as a circuit or a
/// background job awaits a broadcast. BenchmarkDotNet itself would block its main thread on every single
/// broadcast; on a loaded machine that measures two thread wake-ups per call rather than the broadcast. Library
/// and baselines go through the same batch, so both carry the same one hand-off per <see cref="Size"/> operations.
/// </summary>
internal static class Batch
{
    /// <summary>Operations per batch: the benchmarks' <c>OperationsPerInvoke</c>.</summary>
    public const int Size = 64;

    public static Task Run(Func<ValueTask<int>> operation) => Task.Run(async () =>
    {
        for (var i = 0; i < Size; i++)
        {
            await operation();
        }
    });

    public static Task Run(Action notify) => Task.Run(() =>
    {
        for (var i = 0; i < Size; i++)
        {
            notify();
        }
    });
}
