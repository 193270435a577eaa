namespace LiveState.Blazor.Sessions;

/// <summary>
/// A slot of an anonymous group: the carry-overs in progress, by slot key. A tab signing in claims a slot here before it
/// merges the slot into the user's group, so that two tabs signing in at once never carry one value twice; a claim left
/// by a server that stopped mid-way expires.
/// </summary>
[SessionGroupSlot("livestate.carry-over-claims")]
internal sealed class CarryOverClaims
{
    public Dictionary<string, Claim> Claims { get; set; } = new(StringComparer.Ordinal);

    public bool IsClaimed(string slotKey, DateTimeOffset now) => Claims.TryGetValue(slotKey, out var claim) && claim.Expires > now;

    internal sealed class Claim
    {
        public string Id { get; set; } = string.Empty;

        public DateTimeOffset Expires { get; set; }
    }
}
