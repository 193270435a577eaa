namespace LiveState.Blazor.Rooms;

/// <summary>
/// What a room handle re-renders: the component that joined (held weakly, as <see cref="LiveComponent"/> holds its
/// subscriptions), or a stand-in in tests and benchmarks.
/// </summary>
internal abstract class RoomOwner
{
    /// <summary>Whether the owner can still render (not disposed, not collected).</summary>
    public abstract bool IsAlive { get; }

    /// <summary>Re-renders the owner; called on its dispatcher.</summary>
    public abstract void Render();

    /// <summary>Runs <paramref name="work"/> on the owner's dispatcher; null when the owner is gone.</summary>
    public abstract Task? Dispatch(Func<Task> work);
}
