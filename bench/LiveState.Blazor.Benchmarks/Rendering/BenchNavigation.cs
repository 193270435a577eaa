using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace LiveState.Blazor.Benchmarks.Rendering;

/// <summary>A circuit's <see cref="NavigationManager"/>: at the page's address, never navigating (as bUnit's fake).</summary>
internal sealed class BenchNavigation : NavigationManager, INavigationInterception, IScrollToLocationHash
{
    public const string Origin = "http://localhost/";

    /// <summary>Sets the address the circuit opened at, before its first render.</summary>
    public void Open(string route) => Initialize(Origin, Origin + route.TrimStart('/'));

    /// <inheritdoc />
    protected override void NavigateToCore(string uri, NavigationOptions options) => Uri = ToAbsoluteUri(uri).ToString();

    /// <inheritdoc />
    public Task EnableNavigationInterceptionAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public Task RefreshScrollPositionForHash(string locationAbsolute) => Task.CompletedTask;
}
