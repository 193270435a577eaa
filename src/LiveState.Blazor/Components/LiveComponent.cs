using System.Collections.Concurrent;
using System.Reflection;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Components;
using LiveState.Blazor.Rooms;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components;

namespace LiveState.Blazor;

/// <summary>
/// A component that re-renders when the shared state it reads changes, and for nothing else: inherit it
/// (<c>@inherits LiveComponent</c>) and inject the slots and presence it shows (<c>@inject ILiveState&lt;Cart&gt; Cart</c>,
/// <c>@inject ILivePresence Presence</c>). An update of <c>Cart</c> in any tab of the group re-renders, in every tab,
/// the components that inject <c>ILiveState&lt;Cart&gt;</c>; not the router, not the layout, not the readers of other
/// slots. An <see cref="ILiveBroadcaster"/> broadcast that reaches the circuit re-renders every live component in it.
/// </summary>
/// <remarks>
/// <para>
/// Subscriptions start when the component first receives its parameters and end when it is disposed; the component is
/// held weakly, so even a subclass that forgets to call <see cref="Dispose(bool)"/> leaves nothing behind once the
/// renderer drops it. To read another group's state by id (a team, a shared board), call <see cref="Watch{T}"/> or
/// <see cref="WatchPresence"/>, for example in <c>OnInitialized</c>.
/// </para>
/// <para>
/// LiveState needs interactive server rendering. A live component rendered by WebAssembly throws an
/// <see cref="InvalidOperationException"/> that says so. One rendered statically (static server-side rendering, no
/// render mode) shows the group's state as a snapshot that never updates, and its first such render logs a warning
/// that says how to make it live (unless it declares <see cref="AllowStaticRendering"/>). Prerendering is fine: it
/// shows the group's state, and the circuit takes over.
/// </para>
/// </remarks>
public abstract class LiveComponent : ComponentBase, IDisposable
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> HandleProperties = new();
    private static readonly ConcurrentDictionary<Type, byte> StaticRenderingReported = new();

    private ComponentTarget? _target;
    private bool _started;
    private volatile bool _disposed;
    private List<RoomHandle>? _rooms; // under lock (_roomsGate)
    private readonly Lock _roomsGate = new();
    private ComponentRoomOwner? _roomOwner;

    [Inject]
    private LiveCircuitContext LiveContext { get; set; } = default!;

    [Inject]
    private SessionGroupStateService LiveStates { get; set; } = default!;

    [Inject]
    private ILiveCircuitRegistry LiveRegistry { get; set; } = default!;

    [Inject]
    private Microsoft.Extensions.Logging.ILogger<LiveComponent> LiveLogger { get; set; } = default!;

    /// <inheritdoc />
    public override Task SetParametersAsync(ParameterView parameters)
    {
        if (!_started)
        {
            _started = true;
            Start();
        }

        return base.SetParametersAsync(parameters);
    }

    /// <summary>
    /// A slot of another group, read by id (a team's list, a shared board); this component re-renders when it changes.
    /// Call it once per group and slot (in <c>OnInitialized</c>, say) and keep the handle.
    /// </summary>
    /// <typeparam name="T">The slot type.</typeparam>
    /// <param name="groupId">The group id.</param>
    /// <returns>The slot's handle, watched for this component's lifetime.</returns>
    protected ILiveState<T> Watch<T>(string groupId) where T : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var handle = new LiveStateHandle<T>(LiveContext, LiveStates, groupId);
        Follow(handle.Interest);
        return handle;
    }

    /// <summary>The presence of another group, read by id; this component re-renders when it changes.</summary>
    /// <param name="groupId">The group id.</param>
    /// <returns>The group's presence, watched for this component's lifetime.</returns>
    protected ILivePresence WatchPresence(string groupId)
    {
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        var handle = new LivePresenceHandle(LiveContext, LiveRegistry, groupId);
        Follow(handle.Interest);
        return handle;
    }

    /// <summary>
    /// Joins a room (<c>room:{id}</c>, a group joined at run time: a document, a chat room) for this component's lifetime:
    /// asks the app's <see cref="ILiveRoomAuthorizer"/>s, then makes the circuit a member. What this component reads
    /// through the returned room (its slots, its presence) re-renders it; the room is left when the component is
    /// disposed, or on <see cref="ILiveRoom.LeaveAsync"/>. Call it in <c>OnInitializedAsync</c> or
    /// <c>OnParametersSetAsync</c>; several components of one circuit may join the same room (the circuit is one member,
    /// and a circuit already in the room is not asked again until its principal changes).
    /// </summary>
    /// <remarks>
    /// While prerendering there is no circuit: the join is authorized and the room's state readable (the page's first
    /// HTML shows it), but the tab is no member and nothing re-renders; the interactive render joins for real.
    /// </remarks>
    /// <param name="roomId">The room's id: 1-128 ASCII letters, digits, '-', '_', '.' or ':' (<see cref="LiveRooms.IsValidId"/>).</param>
    /// <param name="metadata">This circuit's metadata in the room (a name, a status), or null; see <see cref="ILiveRoom.SetMetadataAsync(IReadOnlyDictionary{string, string}, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Gives up the join (and the authorizer's work).</param>
    /// <returns>The room, joined.</returns>
    /// <exception cref="LiveRoomAccessDeniedException">The join was refused: nothing of the room was read.</exception>
    /// <exception cref="ArgumentException">The room id or the metadata is not valid.</exception>
    protected async Task<ILiveRoom> JoinRoomAsync(string roomId, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_target is null)
        {
            throw new InvalidOperationException($"{GetType().Name} joined a room before it was initialized: call JoinRoomAsync in OnInitializedAsync or later.");
        }

        var rooms = LiveContext.Rooms;
        if (!RendererInfo.IsInteractive)
        {
            return await rooms.JoinDetachedAsync(roomId, cancellationToken).ConfigureAwait(false);
        }

        if (LiveContext.Circuit is null)
        {
            await LiveContext.WhenAttached.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var room = await rooms.JoinAsync(roomId, metadata, _roomOwner ??= new ComponentRoomOwner(this), cancellationToken).ConfigureAwait(false);
        lock (_roomsGate)
        {
            if (!_disposed)
            {
                // Rooms left meanwhile (a page switching rooms) are let go, so that a long-lived component holds only
                // what it is still in.
                _rooms ??= [];
                _rooms.RemoveAll(joined => !joined.IsJoined);
                _rooms.Add(room);
                return room;
            }
        }

        // Disposed while joining: it holds nothing.
        _ = room.LeaveAsync();
        return room;
    }

    /// <summary>Stops the component's subscriptions.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the component's subscriptions; override to release more, and call the base.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            return;
        }

        _disposed = true;
        if (_target is { } target)
        {
            target.Stop(LiveContext);
        }

        List<RoomHandle>? rooms;
        lock (_roomsGate)
        {
            rooms = _rooms;
            _rooms = null;
        }

        foreach (var room in rooms ?? [])
        {
            // The circuit leaves the room now; the removal of its metadata and the members' renders follow in the background.
            _ = room.LeaveAsync();
        }
    }

    /// <summary>Re-renders for a change it reads (on the circuit's dispatcher).</summary>
    internal void OnLiveChange()
    {
        if (!_disposed)
        {
            StateHasChanged();
        }
    }

    internal Task DispatchAsync(Func<Task> work) => InvokeAsync(work);

    internal Task DispatchAsync(Action work) => InvokeAsync(work);

    private void Start()
    {
        EnsureInteractiveServer();
        var interests = new List<LiveInterest>();
        foreach (var property in HandleProperties.GetOrAdd(GetType(), FindHandleProperties))
        {
            if (property.GetValue(this) is ILiveInterestSource source)
            {
                interests.Add(source.Interest);
            }
        }

        _target = new ComponentTarget(this, [.. interests]);

        // Prerendering: no circuit will ever deliver to this scope; the interactive render subscribes.
        if (RendererInfo.IsInteractive)
        {
            LiveContext.NoteDispatcher();
            LiveContext.AddTarget(_target);
        }
    }

    private void Follow(LiveInterest interest)
    {
        if (_target is null)
        {
            throw new InvalidOperationException($"{GetType().Name} watched a group before it was initialized: call Watch in OnInitialized or later.");
        }

        if (_target.Add(interest) && RendererInfo.IsInteractive && interest.GroupId is { } groupId)
        {
            LiveContext.Watch(groupId);
        }
    }

    private void EnsureInteractiveServer()
    {
        var renderer = RendererInfo;
        if (renderer.IsInteractive && !string.Equals(renderer.Name, "Server", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{GetType().Name} is a LiveComponent rendered by the {renderer.Name} renderer. LiveState's state lives on the server, in the circuit: render it with @rendermode InteractiveServer (InteractiveAuto and InteractiveWebAssembly run it in the browser).");
        }

        if (!renderer.IsInteractive && AssignedRenderMode is null && !AllowStaticRendering && StaticRenderingReported.TryAdd(GetType(), 0))
        {
            // Static rendering is legitimate (a layout shared with a static login page), but a live component that is
            // never live is usually a mistake of the render-mode layout: say so once per component type.
            Internal.Log.LiveComponentRenderedStatically(LiveLogger, GetType().Name);
        }
    }

    /// <summary>
    /// Whether this component is meant to be rendered statically too (static server-side rendering), showing a snapshot
    /// that never updates there: a component of a layout that static pages share, say. When false (the default), its
    /// first static render logs a warning that says how to make it live.
    /// </summary>
    protected virtual bool AllowStaticRendering => false;

    private static PropertyInfo[] FindHandleProperties(Type type)
    {
        var found = new List<PropertyInfo>();
        for (var current = type; current is not null && current != typeof(LiveComponent); current = current.BaseType)
        {
            foreach (var property in current.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var propertyType = property.PropertyType;
                var isHandle = propertyType == typeof(ILivePresence)
                    || (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(ILiveState<>));
                if (isHandle && property.IsDefined(typeof(InjectAttribute), inherit: true) && property.GetMethod is not null)
                {
                    found.Add(property);
                }
            }
        }

        return [.. found];
    }

    /// <summary>What a room handle of this component re-renders: the component, held weakly.</summary>
    private sealed class ComponentRoomOwner(LiveComponent component) : RoomOwner
    {
        private readonly WeakReference<LiveComponent> _component = new(component);

        public override bool IsAlive => _component.TryGetTarget(out var live) && !live._disposed;

        public override void Render()
        {
            if (_component.TryGetTarget(out var live))
            {
                live.OnLiveChange();
            }
        }

        public override Task? Dispatch(Func<Task> work) =>
            _component.TryGetTarget(out var live) ? live.DispatchAsync(work) : null;
    }

    /// <summary>One live component's subscriptions, holding the component weakly.</summary>
    private sealed class ComponentTarget(LiveComponent component, LiveInterest[] interests) : ILiveRenderTarget
    {
        private readonly WeakReference<LiveComponent> _component = new(component);
        private LiveInterest[] _interests = interests;

        /// <summary>Adds an interest; false when it was there already.</summary>
        public bool Add(LiveInterest interest)
        {
            lock (this)
            {
                if (Array.IndexOf(_interests, interest) >= 0)
                {
                    return false;
                }

                Volatile.Write(ref _interests, [.. _interests, interest]);
                return true;
            }
        }

        public bool Wants(in LiveChange change, LiveIdentity identity) =>
            _component.TryGetTarget(out _) && LiveInterest.AnyMatches(Volatile.Read(ref _interests), change, identity);

        public Task? InvokeAsync(Func<Task> work) =>
            _component.TryGetTarget(out var live) ? live.DispatchAsync(work) : null;

        public Task? Invoke(Action work) =>
            _component.TryGetTarget(out var live) ? live.DispatchAsync(work) : null;

        public Task Render()
        {
            if (_component.TryGetTarget(out var live))
            {
                live.OnLiveChange();
            }

            return Task.CompletedTask;
        }

        public void Stop(LiveCircuitContext context)
        {
            context.RemoveTarget(this);
            foreach (var interest in Volatile.Read(ref _interests))
            {
                if (interest.GroupId is { } groupId)
                {
                    context.Unwatch(groupId);
                }
            }
        }
    }
}
