using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace LiveState.Blazor.Testing.Internal;

/// <summary>
/// Sits between <see cref="CascadingSessionGroupState"/> and the component under test and counts how often a
/// broadcast re-rendered it: the cascade re-renders only when a broadcast reaches the circuit, and its child content
/// re-renders with it.
/// </summary>
internal sealed class LiveRenderCounter : ComponentBase
{
    private bool _rendered;

    [Parameter]
    public LiveTestCircuit? Circuit { get; set; }

    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (_rendered)
        {
            Circuit?.NoteRerender();
        }

        _rendered = true;
        builder.AddContent(0, ChildContent);
    }
}
