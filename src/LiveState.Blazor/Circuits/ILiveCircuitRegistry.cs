namespace LiveState.Blazor;

/// <summary>
/// Read-only view of the live circuits: presence ("3 tabs open", "who is online") and change notification.
/// Lookups by group or user cost in proportion to the matches, never to the number of circuits.
/// </summary>
public interface ILiveCircuitRegistry
{
    /// <summary>The number of live circuits.</summary>
    int Count { get; }

    /// <summary>The circuit with this id, or null.</summary>
    /// <param name="circuitId">The circuit id.</param>
    LiveCircuitInfo? Find(string circuitId);

    /// <summary>The circuits of one session group: those whose own group it is and those with it among their memberships.</summary>
    /// <param name="groupId">The group id.</param>
    IReadOnlyList<LiveCircuitInfo> GetCircuitsOfGroup(string groupId);

    /// <summary>The circuits of one user (every tab and device).</summary>
    /// <param name="userId">The user id.</param>
    IReadOnlyList<LiveCircuitInfo> GetCircuitsOfUser(string userId);

    /// <summary>The number of circuits of one session group.</summary>
    /// <param name="groupId">The group id.</param>
    int CountGroup(string groupId);

    /// <summary>The number of circuits of one user.</summary>
    /// <param name="userId">The user id.</param>
    int CountUser(string userId);

    /// <summary>The ids of the users with at least one live circuit.</summary>
    IReadOnlyList<string> GetOnlineUsers();

    /// <summary>The ids of the groups with at least one live circuit.</summary>
    IReadOnlyList<string> GetActiveGroups();

    /// <summary>Every live circuit (a snapshot; costs in proportion to all circuits).</summary>
    IReadOnlyList<LiveCircuitInfo> GetAll();

    /// <summary>
    /// Raised after a circuit opens, disconnects, reconnects, moves or closes. Handlers run on the thread that
    /// made the change and must be quick; exceptions they throw are logged and swallowed.
    /// </summary>
    event EventHandler<LiveCircuitChangedEventArgs>? Changed;
}
