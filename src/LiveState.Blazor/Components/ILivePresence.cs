namespace LiveState.Blazor;

/// <summary>
/// Who is in the circuit's session group right now: its open tabs and devices. Inject it
/// (<c>@inject ILivePresence Presence</c>) in a component that inherits <see cref="LiveComponent"/>, and the component
/// re-renders when a circuit of the group opens, closes, loses or regains its connection, or moves, and for nothing else.
/// </summary>
/// <remarks>Presence renders are coalesced per group (<see cref="LiveStateOptions.PresenceUpdateInterval"/>).</remarks>
public interface ILivePresence
{
    /// <summary>The group whose presence this is (the circuit's own; it follows sign-in and sign-out).</summary>
    string GroupId { get; }

    /// <summary>The number of live circuits of the group.</summary>
    int CircuitCount { get; }

    /// <summary>The live circuits of the group.</summary>
    IReadOnlyList<LiveCircuitInfo> Circuits { get; }

    /// <summary>The distinct signed-in users with a live circuit in the group, in ordinal order.</summary>
    IReadOnlyList<string> UserIds { get; }

    /// <summary>Calls <paramref name="onChanged"/> whenever the group's presence changes, until the returned subscription is disposed.</summary>
    /// <param name="onChanged">Called after each change, on a thread of LiveState's choosing; must be quick and must not throw.</param>
    /// <returns>The subscription; dispose it to stop.</returns>
    IDisposable Subscribe(Action onChanged);
}
