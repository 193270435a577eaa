namespace LiveState.Blazor.Backends;

/// <summary>
/// The scale-out seam: what a backend implements so that several servers of one app share broadcasts, slot changes and
/// presence (as SignalR's <c>HubLifetimeManager</c> does for hubs, and Phoenix.PubSub's adapters for topics). The core
/// always renders its own circuits itself; a backend only carries messages to and from the other servers, and may
/// answer presence for the whole cluster. Register one with <c>AddLiveState().AddBackend&lt;T&gt;()</c>; the state
/// itself lives in the <see cref="ISessionGroupStore"/> the backend's package registers.
/// </summary>
/// <remarks>
/// <para>
/// The core calls the backend in this order: <see cref="StartAsync"/> once, at host start, with the
/// <see cref="ILiveStateHost"/> it uses to hand messages back; then, while the app runs, <see cref="OnTopicChanged"/>
/// when this server starts or stops hosting a group or user (route only the messages about its topics here),
/// <see cref="OnCircuitChanged"/> for each change of a local circuit (in order for any one circuit), and
/// <see cref="PublishAsync"/> for each broadcast and slot change; <see cref="StopAsync"/> at host stop.
/// </para>
/// <para>
/// A backend must never throw from <see cref="OnTopicChanged"/> or <see cref="OnCircuitChanged"/> (queue the work), and
/// should not let <see cref="PublishAsync"/> throw for a transient failure: log it and return 0 (the local part of a
/// broadcast has been delivered already). Messages a backend receives go to <see cref="ILiveStateHost.DeliverAsync"/>,
/// in the order they were published for any one group; messages of different groups may be delivered concurrently.
/// </para>
/// </remarks>
public abstract class LiveStateBackend
{
    /// <summary>Starts the backend: connect, subscribe to the topics the host has already (<see cref="ILiveStateHost.Topics"/>).</summary>
    /// <param name="host">This server, as the backend sees it.</param>
    /// <param name="cancellationToken">Cancelled when the host's start is cancelled.</param>
    public abstract Task StartAsync(ILiveStateHost host, CancellationToken cancellationToken);

    /// <summary>Stops the backend: tell the other servers this one's circuits are gone, unsubscribe, disconnect.</summary>
    /// <param name="cancellationToken">Cancelled when the host's graceful stop runs out of time.</param>
    public virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Sends a message to the other servers that need it: a group's messages to the servers hosting the group (members,
    /// or circuits watching it by id), a user's to the servers hosting the user, <see cref="LiveTargetKind.All"/> to every
    /// server, circuits to the servers that have them; a <see cref="LiveTargetKind.Filter"/> is decided over the cluster's
    /// presence. This server's own circuits have been rendered already: never deliver a message back to its sender.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops waiting; what was sent stays sent.</param>
    /// <returns>How many circuits on other servers it targeted, as far as the backend knows (0 when it does not).</returns>
    public abstract ValueTask<int> PublishAsync(LiveMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// This server started (<paramref name="hosted"/> true) or stopped hosting <paramref name="topic"/>: its first circuit
    /// in (or watching) the group opened, or its last one closed. Route that topic's messages here only while it is hosted.
    /// Called on the thread that changed the circuits; must be quick and must not throw.
    /// </summary>
    /// <param name="topic">The group or user.</param>
    /// <param name="hosted">Whether this server hosts it now.</param>
    public virtual void OnTopicChanged(LiveTopic topic, bool hosted)
    {
    }

    /// <summary>
    /// A circuit of this server opened, dropped, came back, moved or closed: publish it for the cluster's presence.
    /// Called on the thread that changed the circuit, in order for any one circuit; must be quick and must not throw.
    /// </summary>
    /// <param name="change">The change.</param>
    public virtual void OnCircuitChanged(LiveCircuitChangedEventArgs change)
    {
    }

    /// <summary>
    /// Presence for the whole cluster (every server's circuits), or null (the default) to answer from this server's
    /// circuits only. What <see cref="ILiveCircuitRegistry"/>, <see cref="ILivePresence"/> and
    /// <see cref="SessionGroupState.CircuitCount"/> read.
    /// </summary>
    public virtual ILiveCircuitRegistry? Presence => null;
}
