using System.Security.Claims;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.Rooms;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Rooms;

/// <summary>A room handle's owner without a renderer: counts its renders, runs dispatched work inline.</summary>
internal sealed class FakeRoomOwner : RoomOwner
{
    private int _renders;

    public bool Alive { get; set; } = true;

    public int Renders => Volatile.Read(ref _renders);

    public override bool IsAlive => Alive;

    public override void Render() => Interlocked.Increment(ref _renders);

    public override Task? Dispatch(Func<Task> work) => Alive ? work() : null;
}

/// <summary>An authorizer a test scripts: allow or refuse by room, throw, or wait; records what it was asked.</summary>
internal sealed class ScriptedAuthorizer : ILiveRoomAuthorizer
{
    private readonly List<LiveRoomJoinRequest> _requests = [];

    public Func<LiveRoomJoinRequest, CancellationToken, ValueTask<bool>> Decide { get; set; } = (_, _) => ValueTask.FromResult(true);

    public IReadOnlyList<LiveRoomJoinRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public ValueTask<bool> CanJoinAsync(LiveRoomJoinRequest request, CancellationToken cancellationToken = default)
    {
        lock (_requests)
        {
            _requests.Add(request);
        }

        return Decide(request, cancellationToken);
    }

    public static ClaimsPrincipal Principal(string? userId) => userId is null
        ? new ClaimsPrincipal(new ClaimsIdentity())
        : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "Cookies"));
}

/// <summary>A circuit attached straight to the registry in a scope of its own (no renderer), with a render target that reads everything.</summary>
internal sealed class AttachedCircuit : IDisposable
{
    private readonly IServiceScope _scope;

    private AttachedCircuit(LiveTestServer server, string id, LiveIdentity identity)
    {
        _scope = server.Services.CreateScope();
        Context = _scope.ServiceProvider.GetRequiredService<LiveCircuitContext>();
        Id = id;
        Context.Attach(id, identity).AddTarget(Everything);
    }

    public string Id { get; }

    public LiveCircuitContext Context { get; }

    /// <summary>Renders for anything that reaches the circuit: a slot, a presence change or a broadcast.</summary>
    public FakeRenderTarget Everything { get; } = new();

    public CircuitRooms Rooms => Context.Rooms;

    public static AttachedCircuit Open(LiveTestServer server, string id, LiveIdentity identity) => new(server, id, identity);

    public Task<RoomHandle> JoinAsync(string roomId, RoomOwner owner, IReadOnlyDictionary<string, string>? metadata = null) =>
        Rooms.JoinAsync(roomId, metadata, owner, CancellationToken.None);

    /// <summary>Closes the circuit as the circuit handler does: the registry drops it, its rooms end.</summary>
    public void Close()
    {
        Context.Detach();
        _ = Context.RoomsIfUsed?.CircuitClosedAsync();
    }

    public void Dispose() => _scope.Dispose();
}
