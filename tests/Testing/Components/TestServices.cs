using System.Collections.Concurrent;
using System.Security.Claims;
using LiveState.Blazor;

namespace LiveState.Blazor.Testing.Tests.Components;

/// <summary>Groups a signed-in user with a <c>team</c> claim into <c>team:{team}</c>, as samples/TodoApp's team resolver does.</summary>
public sealed class TeamResolver(Microsoft.Extensions.Options.IOptionsMonitor<LiveStateOptions> options) : DefaultLiveIdentityResolver(options)
{
    public override async ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var identity = await base.ResolveAsync(user, cancellationToken);
        return identity.UserId is { } userId && user.FindFirst("team")?.Value is { } team
            ? new LiveIdentity($"team:{team}", userId)
            : identity;
    }
}

/// <summary>What the lifecycle handlers heard, in order (a singleton shared by every circuit's handler).</summary>
public sealed class LifecycleJournal
{
    public ConcurrentQueue<string> Events { get; } = new();
}

/// <summary>A lifecycle handler, scoped to each circuit as the library resolves it.</summary>
public sealed class JournalingLifecycleHandler(LifecycleJournal journal) : ILiveCircuitLifecycleHandler
{
    public Task OnConnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Note("connected", circuit);

    public Task OnDisconnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Note("disconnected", circuit);

    public Task OnReconnectedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Note("reconnected", circuit);

    public Task OnMovedAsync(LiveCircuitInfo circuit, LiveIdentity previous, CancellationToken cancellationToken) => Note($"moved from {previous.GroupId}", circuit);

    public Task OnClosedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken) => Note("closed", circuit);

    private Task Note(string what, LiveCircuitInfo circuit)
    {
        journal.Events.Enqueue($"{circuit.CircuitId} {what} {circuit.GroupId}");
        return Task.CompletedTask;
    }
}

/// <summary>A per-circuit service: every circuit gets its own.</summary>
public sealed class TabScratchpad
{
    public Guid Id { get; } = Guid.NewGuid();
}
