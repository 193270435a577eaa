namespace LiveState.Blazor;

/// <summary>
/// A circuit was refused because its session group already has <see cref="LiveStateOptions.MaxCircuitsPerGroup"/>
/// circuits on this server (one browser or user opening that many tabs). Blazor closes the refused circuit; the
/// group's other tabs are unaffected.
/// </summary>
public sealed class LiveStateCircuitLimitException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="groupId">The full group.</param>
    /// <param name="limit">The limit it reached.</param>
    public LiveStateCircuitLimitException(string groupId, int limit)
        : base($"Session group '{LiveIdentity.Redact(groupId)}' already has {limit} circuits on this server (LiveStateOptions.MaxCircuitsPerGroup): this circuit was refused. Close some tabs and reload.")
    {
        GroupId = groupId;
        Limit = limit;
    }

    /// <summary>The full group.</summary>
    public string GroupId { get; }

    /// <summary>The limit it reached.</summary>
    public int Limit { get; }
}
