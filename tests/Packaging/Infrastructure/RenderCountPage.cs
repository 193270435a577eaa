namespace LiveState.Blazor.Packaging.Tests.Infrastructure;

/// <summary>
/// Issue 11's render-count page, added to a template app after the guide: the template's own layout and nav menu
/// (patched to show how often they render), 3 components reading slot A, 3 reading slot B, a presence badge and 20
/// plain components, each showing its render count in <c>data-renders</c>. The test reads the counts in Chromium.
/// </summary>
internal static class RenderCountPage
{
    public const string Path = "render-counts";

    public static void Apply(string app, bool allInteractive)
    {
        var components = System.IO.Path.Combine(app, "Components");
        var pages = System.IO.Path.Combine(components, "Pages");
        File.WriteAllText(System.IO.Path.Combine(app, "RenderSlots.cs"), """
            namespace RenderCounting;

            public sealed class SlotA { public int N { get; set; } }

            public sealed class SlotB { public int N { get; set; } }
            """);
        File.WriteAllText(System.IO.Path.Combine(pages, "RenderCounts.razor"), $$"""
            @page "/{{Path}}"
            {{(allInteractive ? string.Empty : "@rendermode InteractiveServer")}}
            @inject ILiveState<RenderCounting.SlotA> A
            @inject ILiveBroadcaster Broadcaster

            <button data-testid="update-a" @onclick="() => A.MutateAsync(a => a.N++)">A</button>
            <button data-testid="broadcast" @onclick="() => Broadcaster.BroadcastToGroupAsync(A.GroupId)">broadcast</button>
            <span data-testid="page" data-renders="@(++_renders)"></span>
            <ReaderA /><ReaderA /><ReaderA />
            <ReaderB /><ReaderB /><ReaderB />
            <Badge />
            @for (var i = 0; i < 20; i++)
            {
                <Plain />
            }

            @code {
                private int _renders;
            }
            """);
        File.WriteAllText(System.IO.Path.Combine(pages, "ReaderA.razor"), """
            @inherits LiveComponent
            @inject ILiveState<RenderCounting.SlotA> A
            <span data-testid="a" data-renders="@(++_renders)">@A.Value.N</span>
            @code { private int _renders; }
            """);
        File.WriteAllText(System.IO.Path.Combine(pages, "ReaderB.razor"), """
            @inherits LiveComponent
            @inject ILiveState<RenderCounting.SlotB> B
            <span data-testid="b" data-renders="@(++_renders)">@B.Value.N</span>
            @code { private int _renders; }
            """);
        File.WriteAllText(System.IO.Path.Combine(pages, "Badge.razor"), """
            @inherits LiveComponent
            @inject ILivePresence Presence
            <span data-testid="badge" data-renders="@(++_renders)">@Presence.CircuitCount</span>
            @code { private int _renders; }
            """);
        File.WriteAllText(System.IO.Path.Combine(pages, "Plain.razor"), """
            <span data-testid="plain" data-renders="@(++_renders)"></span>
            @code { private int _renders; }
            """);

        // The template's layout and nav menu, as they are, plus a render count each.
        foreach (var (file, id) in new[] { ("MainLayout.razor", "layout"), ("NavMenu.razor", "nav") })
        {
            var path = System.IO.Path.Combine(components, "Layout", file);
            File.AppendAllText(path, $$"""

                <span data-testid="{{id}}" data-renders="@(++_renders)" hidden></span>
                @code { private int _renders; }
                """);
        }
    }
}
