using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;

namespace LiveState.Blazor.Components;

/// <summary>
/// <see cref="ILiveState{T}"/>: the circuit's own group's slot when resolved from DI (scoped, so one per circuit), or a
/// given group's when a <see cref="LiveComponent"/> watches one by id.
/// </summary>
internal sealed class LiveStateHandle<T> : ILiveState<T>, ILiveInterestSource where T : class, new()
{
    private readonly LiveCircuitContext _context;
    private readonly SessionGroupStateService _service;
    private readonly string? _groupId;

    public LiveStateHandle(LiveCircuitContext context, SessionGroupStateService service)
        : this(context, service, groupId: null)
    {
    }

    internal LiveStateHandle(LiveCircuitContext context, SessionGroupStateService service, string? groupId)
    {
        _context = context;
        _service = service;
        _groupId = groupId;
    }

    public LiveInterest Interest => new(LiveChangeKind.Slot, _groupId, SlotKey<T>.Value);

    public string GroupId => _groupId ?? _context.Identity.GroupId;

    public T Value => _service.Get<T>(GroupId);

    public Task<T> MutateAsync(Action<T> mutate, CancellationToken cancellationToken = default) =>
        _service.MutateAsync(GroupId, mutate, cancellationToken);

    public Task<T> ReplaceAsync(Func<T, T> update, CancellationToken cancellationToken = default) =>
        _service.ReplaceAsync(GroupId, update, cancellationToken);

    public IDisposable Subscribe(Action onChanged) => CallbackTarget.Subscribe(_context, Interest, onChanged);

    public override string ToString() => $"ILiveState<{typeof(T).Name}> of {LiveIdentity.Redact(GroupId)}";
}

/// <summary><see cref="ILivePresence"/> of the circuit's own group (from DI), or of a group a <see cref="LiveComponent"/> watches.</summary>
internal sealed class LivePresenceHandle : ILivePresence, ILiveInterestSource
{
    private readonly LiveCircuitContext _context;
    private readonly ILiveCircuitRegistry _registry;
    private readonly string? _groupId;

    public LivePresenceHandle(LiveCircuitContext context, ILiveCircuitRegistry registry)
        : this(context, registry, groupId: null)
    {
    }

    internal LivePresenceHandle(LiveCircuitContext context, ILiveCircuitRegistry registry, string? groupId)
    {
        _context = context;
        _registry = registry;
        _groupId = groupId;
    }

    public LiveInterest Interest => new(LiveChangeKind.Presence, _groupId, null);

    public string GroupId => _groupId ?? _context.Identity.GroupId;

    public int CircuitCount => _registry.CountGroup(GroupId);

    public IReadOnlyList<LiveCircuitInfo> Circuits => _registry.GetCircuitsOfGroup(GroupId);

    public IReadOnlyList<string> UserIds
    {
        get
        {
            var users = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var circuit in Circuits)
            {
                if (circuit.UserId is { } userId)
                {
                    users.Add(userId);
                }
            }

            return [.. users];
        }
    }

    public IDisposable Subscribe(Action onChanged) => CallbackTarget.Subscribe(_context, Interest, onChanged);

    public override string ToString() => $"ILivePresence of {LiveIdentity.Redact(GroupId)}";
}

/// <summary>A callback subscribed to one slot or presence; it has no dispatcher of its own.</summary>
internal sealed class CallbackTarget : ILiveRenderTarget, IDisposable
{
    private readonly LiveCircuitContext _context;
    private readonly LiveInterest _interest;
    private Action? _onChanged;

    private CallbackTarget(LiveCircuitContext context, LiveInterest interest, Action onChanged)
    {
        _context = context;
        _interest = interest;
        _onChanged = onChanged;
    }

    public static IDisposable Subscribe(LiveCircuitContext context, LiveInterest interest, Action onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        var target = new CallbackTarget(context, interest, onChanged);
        if (interest.GroupId is { } groupId)
        {
            context.Watch(groupId);
        }

        context.AddTarget(target);
        return target;
    }

    public bool Wants(in LiveChange change, LiveIdentity identity) => _onChanged is not null && _interest.Matches(change, identity);

    public Task? InvokeAsync(Func<Task> work) => null;

    public Task Render()
    {
        Volatile.Read(ref _onChanged)?.Invoke();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _onChanged, null) is null)
        {
            return;
        }

        _context.RemoveTarget(this);
        if (_interest.GroupId is { } groupId)
        {
            _context.Unwatch(groupId);
        }
    }
}
