using Bunit;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace LiveState.Blazor.Tests.Components;

/// <summary>Issue 11, item 5: LiveState used where it cannot be live says so, instead of a NullReferenceException or a frozen page.</summary>
public sealed class RenderModeGuardTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task ALiveComponentRenderedStaticallyShowsItsSnapshotAndSaysOnceHowToMakeItLive()
    {
        await _server.States.MutateAsync<Counter>(LiveIdentity.BrowserGroup("pre"), c => c.Value = 6);
        using var bunit = Context(new RendererInfo("Static", isInteractive: false));

        var first = bunit.Render<StaticOnlyProbe>();
        bunit.Render<StaticOnlyProbe>();

        Assert.Equal("6", first.Find(".value").TextContent);
        var warning = Assert.Single(Logs(bunit), r => r.Message.Contains("rendered statically", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("StaticOnlyProbe", warning.Message, StringComparison.Ordinal);
        Assert.Contains("@rendermode InteractiveServer", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AComponentMeantToBeStaticToo_SaysNothing()
    {
        using var bunit = Context(new RendererInfo("Static", isInteractive: false));

        bunit.Render<StaticTooProbe>();

        Assert.DoesNotContain(Logs(bunit), r => r.Message.Contains("rendered statically", StringComparison.Ordinal));
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
        bunit.Services.AddFakeLogging();
        bunit.SetRendererInfo(renderer);
        return bunit;
    }

    private static IReadOnlyList<FakeLogRecord> Logs(BunitContext bunit) => bunit.Services.GetFakeLogCollector().GetSnapshot();
}
