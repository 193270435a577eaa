using LiveState.Blazor.Circuits;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace LiveState.Blazor;

/// <summary>
/// Cascades the circuit's <see cref="SessionGroupState"/> to its child content and re-renders it when a broadcast
/// reaches the circuit. Wrap the app's <c>Router</c> with it (in <c>Routes.razor</c>).
/// </summary>
public sealed class CascadingSessionGroupState : ComponentBase, ILiveRenderTarget, IDisposable
{
    // How long an interactive render waits for the circuit handler before it falls back to a detached state.
    private static readonly TimeSpan AttachTimeout = TimeSpan.FromSeconds(10);

    private SessionGroupState? _state;
    private LiveCircuit? _circuit;
    private Action? _render;
    private bool _disposed;

    /// <summary>The content that receives the cascaded <see cref="SessionGroupState"/>, usually the <c>Router</c>.</summary>
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    [Inject]
    private LiveCircuitContext Context { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <inheritdoc />
    protected override Task OnInitializedAsync()
    {
        if (Context.State is { } state)
        {
            Attach(state);
            return Task.CompletedTask;
        }

        return InitializeSlowlyAsync();
    }

    private async Task InitializeSlowlyAsync()
    {
        if (RendererInfo.IsInteractive)
        {
            // The circuit handler registers the circuit before root components render; wait for it if it has not yet.
            try
            {
                await Context.WhenAttached.WaitAsync(AttachTimeout).ConfigureAwait(true);
            }
            catch (TimeoutException)
            {
            }

            if (Context.State is { } state)
            {
                Attach(state);
                return;
            }
        }

        // Prerendering (or no circuit): the group's state, read-only in the sense that no broadcast reaches it.
        var identity = await Context.ResolveIdentityAsync().ConfigureAwait(true);
        _state = Context.CreateDetachedState(identity);
    }

    private void Attach(SessionGroupState state)
    {
        _state = state;
        _circuit = Context.Circuit;
        _circuit?.AddTarget(this);
    }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (_state is null)
        {
            return;
        }

        builder.OpenComponent<CascadingValue<SessionGroupState>>(0);
        builder.AddComponentParameter(1, nameof(CascadingValue<SessionGroupState>.Value), _state);
        builder.AddComponentParameter(2, nameof(CascadingValue<SessionGroupState>.ChildContent), ChildContent);
        builder.CloseComponent();
    }

    Task ILiveRenderTarget.RenderAsync(LiveCircuit circuit) =>
        ReferenceEquals(circuit, _circuit)
            ? InvokeAsync(_render ??= () => Render(_circuit!)) // the usual case: one delegate for the circuit's lifetime
            : InvokeAsync(() => Render(circuit));

    private void Render(LiveCircuit circuit)
    {
        circuit.RenderStarting();
        if (_disposed)
        {
            return;
        }

        if (SignedOutElsewhere(circuit))
        {
            // This browser signed the user out in another tab: stop showing the user's state; the reload comes back anonymous.
            _disposed = true;
            Navigation.Refresh(forceReload: true);
            return;
        }

        StateHasChanged();
    }

    private bool SignedOutElsewhere(LiveCircuit circuit)
    {
        var info = circuit.Info;
        return info.Identity.IsAuthenticated
            && circuit.BrowserId is { } browserId
            && _state!.Get<Sessions.SignedOutBrowsers>().MustLeave(browserId, info.OpenedAt);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _circuit?.RemoveTarget(this);
    }
}
