using LiveState.Blazor;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers who may join which room (<see cref="ILiveRoomAuthorizer"/>).</summary>
public static class LiveRoomBuilderExtensions
{
    /// <summary>
    /// Adds a room authorizer, resolved from each circuit's scope. A join is granted when every registered authorizer
    /// allows it; with none, every join is refused.
    /// </summary>
    /// <typeparam name="TAuthorizer">The authorizer type, registered as scoped.</typeparam>
    /// <param name="builder">The LiveState builder.</param>
    /// <returns>The builder.</returns>
    public static ILiveStateBuilder AddRoomAuthorizer<TAuthorizer>(this ILiveStateBuilder builder)
        where TAuthorizer : class, ILiveRoomAuthorizer
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<ILiveRoomAuthorizer, TAuthorizer>());
        return builder;
    }

    /// <summary>Adds a room authorizer given as a function (<c>(request, ct) =&gt; ValueTask.FromResult(true)</c> lets anyone join any room).</summary>
    /// <param name="builder">The LiveState builder.</param>
    /// <param name="canJoin">Whether the circuit described by the request may join its room.</param>
    /// <returns>The builder.</returns>
    public static ILiveStateBuilder AddRoomAuthorizer(this ILiveStateBuilder builder, Func<LiveRoomJoinRequest, CancellationToken, ValueTask<bool>> canJoin)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(canJoin);
        builder.Services.AddSingleton<ILiveRoomAuthorizer>(new DelegateRoomAuthorizer(canJoin));
        return builder;
    }

    private sealed class DelegateRoomAuthorizer(Func<LiveRoomJoinRequest, CancellationToken, ValueTask<bool>> canJoin) : ILiveRoomAuthorizer
    {
        public ValueTask<bool> CanJoinAsync(LiveRoomJoinRequest request, CancellationToken cancellationToken = default) => canJoin(request, cancellationToken);
    }
}
