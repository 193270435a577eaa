using Bunit;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Tests.Components;

/// <summary>Issue 11, item 5: LiveState used where it cannot be live says so, instead of a NullReferenceException or a frozen page.</summary>
public sealed class RenderModeGuardTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public void ALiveComponentRenderedStaticallyExplainsWhatToDo()
    {
        using var bunit = Context(new RendererInfo("Static", isInteractive: false));

        var error = Assert.Throws<InvalidOperationException>(() => bunit.Render<LiveProbe>());

        Assert.Contains("LiveProbe", error.Message, StringComparison.Ordinal);
        Assert.Contains("rendered statically", error.Message, StringComparison.Ordinal);
        Assert.Contains("@rendermode InteractiveServer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALiveComponentRenderedByWebAssemblyExplainsWhatToDo()
    {
        using var bunit = Context(new RendererInfo("WebAssembly", isInteractive: true));

        var error = Assert.Throws<InvalidOperationException>(() => bunit.Render<LiveProbe>());

        Assert.Contains("WebAssembly", error.Message, StringComparison.Ordinal);
        Assert.Contains("InteractiveServer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALiveComponentPrerenderedForAnInteractivePageShowsTheGroupsState()
    {
        await _server.States.MutateAsync<Counter>(LiveIdentity.BrowserGroup("pre"), c => c.Value = 9);
        using var bunit = Context(new RendererInfo("Static", isInteractive: false));

        var probe = bunit.Render<LiveProbe>(p => p.SetAssignedRenderMode(RenderMode.InteractiveServer));

        Assert.Equal("9", probe.Find(".value").TextContent);
    }

    private BunitContext Context(RendererInfo renderer)
    {
        var bunit = new BunitContext();
        var scope = _server.Services.CreateScope();
        bunit.Services.AddFallbackServiceProvider(scope.ServiceProvider);
        var context = scope.ServiceProvider.GetRequiredService<LiveState.Blazor.Circuits.LiveCircuitContext>();
        context.UseIdentity(new LiveIdentity(LiveIdentity.BrowserGroup("pre")));
        bunit.Services.AddSingleton(context);
        bunit.Services.AddCascadingValue<SessionGroupState>(_ => context.Cascade);
        bunit.SetRendererInfo(renderer);
        return bunit;
    }
}
