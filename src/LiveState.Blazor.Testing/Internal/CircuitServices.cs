using Microsoft.AspNetCore.Components.Authorization;

namespace LiveState.Blazor.Testing.Internal;

/// <summary>A simulated circuit's services: its DI scope, with the circuit's own authentication state.</summary>
internal sealed class CircuitServices(IServiceProvider scope, AuthenticationStateProvider authentication) : IServiceProvider
{
    public object? GetService(Type serviceType) =>
        serviceType == typeof(AuthenticationStateProvider) ? authentication
        : serviceType == typeof(IServiceProvider) ? this
        : scope.GetService(serviceType);
}
