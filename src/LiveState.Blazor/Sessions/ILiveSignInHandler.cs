namespace LiveState.Blazor;

/// <summary>
/// Carries an anonymous browser's state (a cart, a draft) into the user's group at sign-in. Called whenever a
/// circuit opens or moves as a signed-in user in a browser that has an anonymous group, so it must be idempotent
/// and cheap: <see cref="LiveSignInContext.CarryOverAsync{T}"/> is both. Register with
/// <c>AddLiveState().AddSignInHandler&lt;T&gt;()</c>; exceptions are logged and never break the circuit.
/// </summary>
public interface ILiveSignInHandler
{
    /// <summary>A circuit of a signed-in user opened in a browser that also has an anonymous group.</summary>
    /// <param name="context">The user's identity, the browser's anonymous group, and helpers to move state.</param>
    /// <param name="cancellationToken">Cancelled when the circuit goes away.</param>
    Task OnSignedInAsync(LiveSignInContext context, CancellationToken cancellationToken);
}
