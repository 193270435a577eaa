using System.Security.Claims;

namespace LiveState.Blazor;

/// <summary>
/// Maps a circuit's <see cref="ClaimsPrincipal"/> to its <see cref="LiveIdentity"/>: who the user is and
/// which session group's state the circuit shares. Replace it in DI to group circuits differently
/// (for example one group per team).
/// </summary>
public interface ILiveIdentityResolver
{
    /// <summary>Resolves the identity of a circuit or prerendered request.</summary>
    /// <param name="user">The principal from the authentication state, including LiveState's browser id claim.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The identity. Never null.</returns>
    ValueTask<LiveIdentity> ResolveAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);
}
