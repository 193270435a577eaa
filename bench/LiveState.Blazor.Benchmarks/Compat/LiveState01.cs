#if LIVESTATE_0_1
using LiveState.Blazor.State;

namespace LiveState.Blazor.Benchmarks;

/// <summary>
/// Today's update names on LiveState 0.1, where both were <c>UpdateAsync</c> returning a <see cref="ValueTask{TResult}"/>:
/// so that one bench/ builds against both trees (see bench/README.md, "Before and after"). Compiled only against 0.1.
/// </summary>
internal static class LiveState01
{
    public static Task<T> ReplaceAsync<T>(this ISessionGroupStateService state, string groupId, Func<T, T> update) where T : class, new() =>
        state.UpdateAsync(groupId, update).AsTask();

    public static Task<T> MutateAsync<T>(this ISessionGroupStateService state, string groupId, Action<T> mutate) where T : class, new() =>
        state.UpdateAsync(groupId, mutate).AsTask();
}
#endif
