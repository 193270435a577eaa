using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor;

/// <summary>Returned by <c>AddLiveState</c>; further LiveState packages (Redis) chain on it.</summary>
public interface ILiveStateBuilder
{
    /// <summary>The application's services.</summary>
    IServiceCollection Services { get; }
}

internal sealed class LiveStateBuilder(IServiceCollection services) : ILiveStateBuilder
{
    public IServiceCollection Services { get; } = services;
}
