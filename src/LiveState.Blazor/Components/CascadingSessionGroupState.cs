using System.ComponentModel;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace LiveState.Blazor;

/// <summary>
/// No longer needed: <c>AddLiveState()</c> cascades <see cref="SessionGroupState"/> from DI to every component, under
/// any render mode. This wrapper only renders its child content, so that apps written for LiveState 0.1 keep building;
/// remove it from <c>Routes.razor</c>.
/// </summary>
[Obsolete("No longer needed: AddLiveState() cascades SessionGroupState to every component from DI. Remove <CascadingSessionGroupState> from Routes.razor.")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CascadingSessionGroupState : ComponentBase
{
    /// <summary>The content, rendered as is.</summary>
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
}
