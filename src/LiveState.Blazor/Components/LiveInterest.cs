using LiveState.Blazor.Circuits;

namespace LiveState.Blazor.Components;

/// <summary>
/// What a render target reads: one slot, or the presence, of one group. A null <see cref="GroupId"/> means the
/// circuit's own group, whichever it is at the time (it follows sign-in and sign-out).
/// </summary>
/// <param name="Kind"><see cref="LiveChangeKind.Slot"/> or <see cref="LiveChangeKind.Presence"/>.</param>
/// <param name="GroupId">The group, or null for the circuit's own.</param>
/// <param name="SlotKey">With a slot: its key.</param>
internal readonly record struct LiveInterest(LiveChangeKind Kind, string? GroupId, string? SlotKey)
{
    public bool Matches(in LiveChange change, LiveIdentity identity) =>
        change.Kind == Kind
        && string.Equals(change.GroupId, GroupId ?? identity.GroupId, StringComparison.Ordinal)
        && (Kind != LiveChangeKind.Slot || change.SlotKey is null || string.Equals(change.SlotKey, SlotKey, StringComparison.Ordinal));

    public static bool AnyMatches(LiveInterest[] interests, in LiveChange change, LiveIdentity identity)
    {
        foreach (var interest in interests)
        {
            if (interest.Matches(change, identity))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A handle that knows what it reads (its slot or presence, and group).</summary>
internal interface ILiveInterestSource
{
    LiveInterest Interest { get; }
}
