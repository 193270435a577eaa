using System.Security.Claims;
using LiveState.Blazor.Broadcasting;
using LiveState.Blazor.Circuits;
using LiveState.Blazor.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Rooms;

/// <summary>
/// The rooms one circuit is in. A room is a membership of the circuit's identity (<c>room:{id}</c>): joining moves the
/// circuit in the registry to its identity with the room added, so the registry's indexes, broadcasts to the room's
/// group, its slot changes and the scale-out backend's presence (which carries memberships) all follow without anything
/// of their own. The identity the resolver gave (<see cref="_base"/>) and the rooms are kept apart, and every move
/// composes them under one lock, so a sign-in keeps the rooms and a join never undoes a sign-in.
/// </summary>
/// <remarks>
/// Joins are authorized (<see cref="ILiveRoomAuthorizer"/>) on a circuit's first join of a room, and every room is asked
/// again when the principal changes; <see cref="_generation"/> counts those changes, so a join authorized for an older
/// principal is asked again rather than landing after the move. A membership ends when its last handle leaves, when the
/// room is taken away, or when the circuit closes.
/// </remarks>
internal sealed class CircuitRooms
{
    private static int _noAuthorizerReported;

    private readonly LiveCircuitContext _context;
    private readonly IServiceProvider _services;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomMembership> _joined = new(StringComparer.Ordinal); // under _gate
    private readonly Dictionary<string, Task> _removals = new(StringComparer.Ordinal); // under _gate: entries of ended memberships still being removed
    private LiveIdentity? _base; // under _gate: the identity without the rooms
    private int _generation; // under _gate: principal changes so far
    private bool _closed; // under _gate

    public CircuitRooms(LiveCircuitContext context, IServiceProvider services)
    {
        _context = context;
        _services = services;
        Registry = services.GetRequiredService<CircuitRegistry>();
        Presence = services.GetRequiredService<ILiveCircuitRegistry>();
        States = services.GetRequiredService<SessionGroupStateService>();
        Notifier = services.GetRequiredService<IChangeNotifier>();
        Options = services.GetRequiredService<IOptionsMonitor<LiveStateOptions>>();
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Logger = services.GetService<ILogger<CircuitRooms>>() ?? (ILogger)NullLogger.Instance;
    }

    public LiveCircuitContext Context => _context;

    public CircuitRegistry Registry { get; }

    /// <summary>Presence: this server's circuits, or the cluster's with a backend.</summary>
    public ILiveCircuitRegistry Presence { get; }

    public SessionGroupStateService States { get; }

    public IChangeNotifier Notifier { get; }

    public IOptionsMonitor<LiveStateOptions> Options { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>The last background part of a leave, a removal or a close (tests wait for it).</summary>
    internal Task Cleanup { get; private set; } = Task.CompletedTask;

    /// <summary>The rooms the circuit is in now.</summary>
    internal string[] JoinedRoomIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _joined.Keys];
            }
        }
    }

    /// <summary>Joins a room for <paramref name="owner"/>: authorizes (unless this circuit holds a grant for its current principal), then adds the membership.</summary>
    /// <exception cref="LiveRoomAccessDeniedException">Refused.</exception>
    public async Task<RoomHandle> JoinAsync(string roomId, IReadOnlyDictionary<string, string>? metadata, RoomOwner owner, CancellationToken cancellationToken)
    {
        var groupId = LiveRooms.GroupId(roomId);
        var initial = metadata is null ? null : RoomMetadata.Copy(metadata, nameof(metadata));
        var circuit = _context.Circuit ?? throw new InvalidOperationException("A room is joined by a circuit: this scope has none yet.");
        while (true)
        {
            int generation;
            bool granted;
            lock (_gate)
            {
                ThrowIfClosed();
                generation = _generation;
                granted = _joined.TryGetValue(roomId, out var known) && known.GrantedGeneration == generation;
            }

            if (!granted)
            {
                await AuthorizeAsync(roomId, cancellationToken).ConfigureAwait(false);
            }

            RoomHandle handle;
            RoomMembership membership;
            var first = false;
            lock (_gate)
            {
                ThrowIfClosed();
                if (_generation != generation)
                {
                    // The principal changed while the authorizer was asked: ask again for the new one.
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (!_joined.TryGetValue(roomId, out membership!))
                {
                    _removals.Remove(roomId, out var removal);
                    membership = new RoomMembership(this, roomId, groupId, circuit.Id, removal);
                    _joined.Add(roomId, membership);
                    first = true;
                }

                membership.GrantedGeneration = generation;
                handle = new RoomHandle(this, roomId, groupId, membership, owner);
                membership.Add(handle);
                if (first)
                {
                    MoveLocked(circuit);
                }
            }

            if (first)
            {
                RoomLog.Joined(Logger, circuit.Id, roomId);
            }

            try
            {
                if (initial is not null)
                {
                    await membership.SetMetadataAsync(initial).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                await LeaveAsync(handle).ConfigureAwait(false);
                throw;
            }

            if (first)
            {
                await NotifyPresenceAsync(groupId).ConfigureAwait(false);
            }

            return handle;
        }
    }

    /// <summary>A join without a circuit (prerendering): authorized, readable, not a member.</summary>
    public async Task<RoomHandle> JoinDetachedAsync(string roomId, CancellationToken cancellationToken)
    {
        var groupId = LiveRooms.GroupId(roomId);
        await AuthorizeAsync(roomId, cancellationToken).ConfigureAwait(false);
        return new RoomHandle(this, roomId, groupId, membership: null, owner: null);
    }

    /// <summary>Releases a handle; the circuit leaves the room when it was the room's last. Completes when the members were told.</summary>
    public Task LeaveAsync(RoomHandle handle)
    {
        if (handle.Membership is not { } membership)
        {
            handle.MarkLeft();
            handle.Stop();
            return Task.CompletedTask;
        }

        TaskCompletionSource? removal = null;
        lock (_gate)
        {
            if (!handle.MarkLeft())
            {
                return Task.CompletedTask;
            }

            if (membership.Remove(handle) == 0 && !membership.Ended)
            {
                removal = EndLocked(membership);
            }
        }

        handle.Stop();
        if (removal is null)
        {
            return Task.CompletedTask;
        }

        RoomLog.Left(Logger, membership.CircuitId, membership.RoomId);
        return Cleanup = AfterLeaveAsync(membership, removal, notify: true);
    }

    /// <summary>
    /// The circuit's identity changed (sign-in, sign-out): the rooms go along (the registry's move composes them with the
    /// new identity). Returns the previous identity, or null when nothing changed. Call <see cref="ReauthorizeAsync"/> next.
    /// </summary>
    public LiveIdentity? MoveTo(LiveIdentity resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        lock (_gate)
        {
            _base = resolved;
            _generation++;
            if (_closed || _context.Circuit is not { } circuit)
            {
                return null;
            }

            return Registry.Move(circuit.Id, Compose(resolved));
        }
    }

    /// <summary>
    /// After a change of principal: asks the authorizers again for every room the circuit is in, and takes away those they
    /// refuse now. Returns how many were taken away.
    /// </summary>
    public async Task<int> ReauthorizeAsync(CancellationToken cancellationToken)
    {
        RoomMembership[] joined;
        int generation;
        lock (_gate)
        {
            if (_joined.Count == 0)
            {
                return 0;
            }

            joined = [.. _joined.Values];
            generation = _generation;
        }

        var revoked = 0;
        foreach (var membership in joined)
        {
            bool allowed;
            try
            {
                await AuthorizeAsync(membership.RoomId, cancellationToken).ConfigureAwait(false);
                allowed = true;
            }
            catch (LiveRoomAccessDeniedException)
            {
                allowed = false;
            }

            if (allowed)
            {
                lock (_gate)
                {
                    if (_generation == generation && !membership.Ended)
                    {
                        membership.GrantedGeneration = generation;
                    }
                }
            }
            else if (await RevokeAsync(membership).ConfigureAwait(false))
            {
                revoked++;
            }
        }

        return revoked;
    }

    /// <summary>
    /// The circuit closed (the registry dropped it and its memberships; the circuit handler tells the rooms' presence
    /// readers): ends every membership and removes the circuit's metadata from the rooms.
    /// </summary>
    public Task CircuitClosedAsync()
    {
        var ended = new List<(RoomMembership Membership, TaskCompletionSource Removal, RoomHandle[] Handles)>();
        lock (_gate)
        {
            if (_closed)
            {
                return Task.CompletedTask;
            }

            _closed = true;
            foreach (var membership in _joined.Values.ToArray())
            {
                var handles = membership.TakeHandles();
                foreach (var handle in handles)
                {
                    handle.MarkEnded(RoomHandle.Closed);
                }

                ended.Add((membership, EndLocked(membership), handles));
            }
        }

        foreach (var (_, _, handles) in ended)
        {
            foreach (var handle in handles)
            {
                handle.Stop();
            }
        }

        return Cleanup = Task.WhenAll(ended.Select(e => AfterLeaveAsync(e.Membership, e.Removal, notify: false)));
    }

    /// <summary>Writes (or, with null, removes) the circuit's entry in the room's members slot.</summary>
    internal Task WriteEntryAsync(RoomMembership membership, IReadOnlyDictionary<string, string>? metadata)
    {
        var now = Time.GetUtcNow();
        var groupId = membership.GroupId;
        var presence = Presence;
        return States.MutateAsync<RoomMembers>(
            groupId,
            members => members.Apply(membership.CircuitId, metadata, now, id => presence.Find(id)?.Identity.BelongsTo(groupId) == true));
    }

    private async Task<bool> RevokeAsync(RoomMembership membership)
    {
        RoomHandle[] handles;
        TaskCompletionSource removal;
        lock (_gate)
        {
            if (membership.Ended)
            {
                return false;
            }

            handles = membership.TakeHandles();
            foreach (var handle in handles)
            {
                handle.MarkEnded(RoomHandle.Revoked);
            }

            removal = EndLocked(membership);
        }

        foreach (var handle in handles)
        {
            handle.Stop();
        }

        RoomLog.Revoked(Logger, membership.CircuitId, membership.RoomId);
        await (Cleanup = AfterLeaveAsync(membership, removal, notify: true)).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Under the lock: ends a membership and takes the room out of the circuit's identity. Returns what a next membership
    /// of the room waits for before its first write: the removal of this one's entry.
    /// </summary>
    private TaskCompletionSource EndLocked(RoomMembership membership)
    {
        membership.Ended = true;
        _joined.Remove(membership.RoomId);
        if (!_closed && _context.Circuit is { } circuit)
        {
            MoveLocked(circuit);
        }

        var removal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _removals[membership.RoomId] = removal.Task;
        return removal;
    }

    private async Task AfterLeaveAsync(RoomMembership membership, TaskCompletionSource removal, bool notify)
    {
        try
        {
            await membership.RemoveEntryAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            removal.TrySetResult();
            lock (_gate)
            {
                if (_removals.TryGetValue(membership.RoomId, out var pending) && pending == removal.Task)
                {
                    _removals.Remove(membership.RoomId);
                }
            }
        }

        if (notify)
        {
            try
            {
                await NotifyPresenceAsync(membership.GroupId).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                RoomLog.PresenceRenderFailed(Logger, ex);
            }
        }
    }

    // Under _gate.
    private void MoveLocked(LiveCircuit circuit)
    {
        _base ??= circuit.Info.Identity;
        Registry.Move(circuit.Id, Compose(_base));
    }

    // Under _gate.
    private LiveIdentity Compose(LiveIdentity identity)
    {
        if (_joined.Count == 0)
        {
            return identity;
        }

        var memberships = new List<string>(identity.Memberships.Count + _joined.Count);
        memberships.AddRange(identity.Memberships);
        foreach (var membership in _joined.Values)
        {
            memberships.Add(membership.GroupId);
        }

        return new LiveIdentity(identity.GroupId, identity.UserId, memberships);
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(LiveCircuit), "The circuit closed: it joins no room any more.");
        }
    }

    private ValueTask NotifyPresenceAsync(string groupId) =>
        Options.CurrentValue.BroadcastPresenceChanges ? Notifier.PresenceChangedAsync(groupId) : ValueTask.CompletedTask;

    /// <summary>Asks every authorizer; throws <see cref="LiveRoomAccessDeniedException"/> unless all allow.</summary>
    private async Task AuthorizeAsync(string roomId, CancellationToken cancellationToken)
    {
        var authorizers = _services.GetServices<ILiveRoomAuthorizer>().ToArray();
        if (authorizers.Length == 0)
        {
            if (Interlocked.Exchange(ref _noAuthorizerReported, 1) == 0)
            {
                RoomLog.NoAuthorizer(Logger);
            }

            throw LiveRoomAccessDeniedException.Unconfigured(roomId);
        }

        ClaimsPrincipal user;
        try
        {
            user = await CurrentUserAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Without a principal nothing can be decided: fail closed.
            RoomLog.AuthorizerFailed(Logger, nameof(AuthenticationStateProvider), roomId, ex);
            throw LiveRoomAccessDeniedException.Failed(roomId, ex);
        }

        LiveIdentity identity;
        lock (_gate)
        {
            identity = _base ?? _context.Identity;
        }

        var request = new LiveRoomJoinRequest(roomId, user, identity);
        foreach (var authorizer in authorizers)
        {
            bool allowed;
            try
            {
                allowed = await authorizer.CanJoinAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Fail closed: a broken rule grants nothing.
                RoomLog.AuthorizerFailed(Logger, authorizer.GetType().Name, roomId, ex);
                throw LiveRoomAccessDeniedException.Failed(roomId, ex);
            }

            if (!allowed)
            {
                RoomLog.Refused(Logger, roomId);
                throw LiveRoomAccessDeniedException.Refused(roomId);
            }
        }
    }

    private async ValueTask<ClaimsPrincipal> CurrentUserAsync()
    {
        if (_services.GetService<AuthenticationStateProvider>() is { } provider)
        {
            try
            {
                return (await provider.GetAuthenticationStateAsync().ConfigureAwait(false)).User;
            }
            catch (InvalidOperationException)
            {
                // No authentication state set (no HTTP request behind this scope): anonymous.
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity());
    }
}
