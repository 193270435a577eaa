using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Routing;

namespace LiveState.Blazor.Benchmarks.Rendering;

// The bench app's page, as the Blazor Server template lays one out: Routes (a Router whose RouteView applies the
// layout), a layout with a nav menu, and a page of 20 plain components and 3 components that read the slot that
// changes. Written in C# (no Razor in this project), with the frames the Razor compiler would emit. Each app (the
// hand-written one, each LiveState model) supplies its Routes, page and reader; the rest is shared.

/// <summary>The Router every app's Routes renders, as Routes.razor does: RouteView with <see cref="BenchLayout"/>.</summary>
internal static class BenchRouter
{
    public static readonly RenderFragment Fragment = Build;

    private static readonly RenderFragment<RouteData> Found = routeData => builder =>
    {
        builder.OpenComponent<RouteView>(0);
        builder.AddComponentParameter(1, nameof(RouteView.RouteData), routeData);
        builder.AddComponentParameter(2, nameof(RouteView.DefaultLayout), typeof(BenchLayout));
        builder.CloseComponent();
    };

    public static void Build(RenderTreeBuilder builder)
    {
        builder.OpenComponent<Router>(0);
        builder.AddComponentParameter(1, nameof(Router.AppAssembly), typeof(BenchRouter).Assembly);

        // A new delegate per render, as Razor's lambdas are: a RenderFragment parameter always counts as changed.
        builder.AddComponentParameter(2, nameof(Router.Found), (RenderFragment<RouteData>)(routeData => Found(routeData)));
        builder.CloseComponent();
    }
}

/// <summary>The template's MainLayout: sidebar with the nav menu, top row, content.</summary>
public sealed class BenchLayout : LayoutComponentBase
{
    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.Layout++;
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "page");
        builder.OpenElement(2, "div");
        builder.AddAttribute(3, "class", "sidebar");
        builder.OpenComponent<BenchNavMenu>(4);
        builder.CloseComponent();
        builder.CloseElement();
        builder.OpenElement(5, "main");
        builder.OpenElement(6, "div");
        builder.AddAttribute(7, "class", "top-row px-4");
        builder.OpenElement(8, "a");
        builder.AddAttribute(9, "href", "https://learn.microsoft.com/aspnet/core/");
        builder.AddAttribute(10, "target", "_blank");
        builder.AddContent(11, "About");
        builder.CloseElement();
        builder.CloseElement();
        builder.OpenElement(12, "article");
        builder.AddAttribute(13, "class", "content px-4");
        builder.AddContent(14, Body);
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
    }
}

/// <summary>The template's NavMenu: a brand row and four NavLinks.</summary>
public sealed class BenchNavMenu : ComponentBase
{
    private static readonly (string Href, string Text, NavLinkMatch Match)[] Links =
    [
        ("", "Home", NavLinkMatch.All),
        ("counter", "Counter", NavLinkMatch.Prefix),
        ("weather", "Weather", NavLinkMatch.Prefix),
        ("settings", "Settings", NavLinkMatch.Prefix),
    ];

    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.NavMenu++;
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "top-row ps-3 navbar navbar-dark");
        builder.OpenElement(2, "a");
        builder.AddAttribute(3, "class", "navbar-brand");
        builder.AddAttribute(4, "href", "");
        builder.AddContent(5, "BenchApp");
        builder.CloseElement();
        builder.CloseElement();
        builder.OpenElement(6, "div");
        builder.AddAttribute(7, "class", "nav-scrollable");
        builder.OpenElement(8, "nav");
        builder.AddAttribute(9, "class", "nav flex-column");
        foreach (var (href, text, match) in Links)
        {
            builder.OpenElement(10, "div");
            builder.AddAttribute(11, "class", "nav-item px-3");
            builder.OpenComponent<NavLink>(12);
            builder.AddComponentParameter(13, "class", "nav-link");
            builder.AddComponentParameter(14, "href", href);
            builder.AddComponentParameter(15, nameof(NavLink.Match), match);
            builder.AddComponentParameter(16, nameof(NavLink.ChildContent), (RenderFragment)(b =>
            {
                b.OpenElement(0, "span");
                b.AddAttribute(1, "class", "bi bi-list-nested-nav-menu");
                b.AddAttribute(2, "aria-hidden", "true");
                b.CloseElement();
                b.AddContent(3, text);
            }));
            builder.CloseComponent();
            builder.CloseElement();
        }

        builder.CloseElement();
        builder.CloseElement();
    }
}

/// <summary>One of the page's 20 plain components: a card with a title, a line and a short list; reads no shared state.</summary>
public sealed class PlainCard : ComponentBase
{
    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    [Parameter]
    public int Index { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.Plain++;
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "card");
        builder.OpenElement(2, "h3");
        builder.AddContent(3, "Card ");
        builder.AddContent(4, Index);
        builder.CloseElement();
        builder.OpenElement(5, "p");
        builder.AddContent(6, "Something this page shows that no broadcast changes.");
        builder.CloseElement();
        builder.OpenElement(7, "ul");
        for (var i = 0; i < 3; i++)
        {
            builder.OpenElement(8, "li");
            builder.AddContent(9, Index * 10 + i);
            builder.CloseElement();
        }

        builder.CloseElement();
        builder.CloseElement();
    }
}

/// <summary>
/// The page: a heading, 20 <see cref="PlainCard"/>s and 3 readers of the slot that changes. Each app derives its own
/// page with its own route (the Router sees every app's pages) and its reader type.
/// </summary>
/// <typeparam name="TReader">The app's reader component; takes an <c>Index</c> parameter.</typeparam>
public abstract class BenchPage<TReader> : ComponentBase where TReader : IComponent
{
    public const int PlainComponents = 20;

    public const int ReaderComponents = 3;

    [Inject]
    private RenderCounts Counts { get; set; } = default!;

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        Counts.Page++;
        builder.OpenElement(0, "h1");
        builder.AddContent(1, "Dashboard");
        builder.CloseElement();
        builder.OpenElement(2, "div");
        builder.AddAttribute(3, "class", "readers");
        for (var i = 0; i < ReaderComponents; i++)
        {
            builder.OpenComponent<TReader>(4);
            builder.AddComponentParameter(5, "Index", i);
            builder.CloseComponent();
        }

        builder.CloseElement();
        builder.OpenElement(6, "div");
        builder.AddAttribute(7, "class", "grid");
        for (var i = 0; i < PlainComponents; i++)
        {
            builder.OpenComponent<PlainCard>(8);
            builder.AddComponentParameter(9, nameof(PlainCard.Index), i);
            builder.CloseComponent();
        }

        builder.CloseElement();
    }

    /// <summary>What every reader renders: the value it read.</summary>
    internal static void RenderReader(RenderTreeBuilder builder, int index, int value)
    {
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "reader");
        builder.OpenElement(2, "span");
        builder.AddContent(3, "Reader ");
        builder.AddContent(4, index);
        builder.CloseElement();
        builder.OpenElement(5, "strong");
        builder.AddContent(6, value.ToString(CultureInfo.InvariantCulture));
        builder.CloseElement();
        builder.CloseElement();
    }
}
