namespace LiveState.Blazor.Testing.Internal;

/// <summary>
/// The resolver a simulated circuit's handler uses: the identity the test pinned, or else the app's own resolver
/// (for circuits opened with a principal, and after <see cref="LiveTestCircuit.ChangeUser"/>).
/// </summary>
internal sealed class CircuitIdentityResolver(ILiveIdentityResolver app) : ILiveIdentityResolver
{
    private volatile LiveIdentity? _pinned;

    public LiveIdentity? Pinned
    {
        get => _pinned;
        set => _pinned = value;
    }

    public ValueTask<LiveIdentity> ResolveAsync(System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        _pinned is { } pinned ? ValueTask.FromResult(pinned) : app.ResolveAsync(user, cancellationToken);
}
