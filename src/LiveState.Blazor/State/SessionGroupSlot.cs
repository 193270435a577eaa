namespace LiveState.Blazor;

/// <summary>One state slot of a session group as a store holds it: an immutable snapshot and its version.</summary>
/// <typeparam name="T">The slot's declared type.</typeparam>
/// <param name="Value">The snapshot. Treat it as read-only: it is shared with every reader.</param>
/// <param name="Version">Increases by one on every update of the slot, starting at 1.</param>
public sealed record SessionGroupSlot<T>(T Value, long Version) : ISlotSnapshot where T : class
{
    object ISlotSnapshot.Value => Value;

    Type ISlotSnapshot.ValueType => typeof(T);
}

/// <summary>A <see cref="SessionGroupSlot{T}"/> seen without its type (for diagnostics that list slots of any type).</summary>
internal interface ISlotSnapshot
{
    object Value { get; }

    long Version { get; }

    Type ValueType { get; }
}
