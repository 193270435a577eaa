using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;

namespace LiveState.Blazor.Dashboard;

/// <summary>The dashboard's HTML document, rendered on the server for the mapped path; the dashboard inside is interactive.</summary>
internal sealed class DashboardDocument : ComponentBase
{
    private const string Styles = """
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #fafbfc; }
          h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
          table { border-collapse: collapse; width: 100%; background: #fff; }
          th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
          th { background: #f0f2f5; font-weight: 600; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
          .muted { color: #5c6670; } .chips span { display: inline-block; margin: 0 .5rem .5rem 0; padding: .3rem .7rem; border-radius: 1rem; background: #e8eef7; }
          .Healthy { color: #1a7f37; } .Degraded { color: #9a6700; } .Unhealthy { color: #cf222e; font-weight: 600; }
          code { font-size: 12px; }
        </style>
        """;

    [Parameter]
    public string? Policy { get; set; }

    [CascadingParameter]
    public HttpContext? HttpContext { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.AddMarkupContent(0, "<!DOCTYPE html>");
        builder.OpenElement(1, "html");
        builder.AddAttribute(2, "lang", "en");
        builder.OpenElement(3, "head");
        builder.AddMarkupContent(4, "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>LiveState dashboard</title>");
        builder.OpenElement(5, "base");
        builder.AddAttribute(6, "href", (HttpContext?.Request.PathBase.Value ?? string.Empty) + "/");
        builder.CloseElement();
        builder.AddMarkupContent(7, Styles);
        builder.CloseElement();
        builder.OpenElement(8, "body");
        builder.OpenComponent<DashboardView>(9);
        builder.AddComponentParameter(10, nameof(DashboardView.Policy), Policy);
        builder.AddComponentRenderMode(RenderMode.InteractiveServer);
        builder.CloseComponent();
        builder.OpenElement(11, "script");
        builder.AddAttribute(12, "src", Assets["_framework/blazor.web.js"]);
        builder.CloseElement();
        builder.CloseElement();
        builder.CloseElement();
    }
}
