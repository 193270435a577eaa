using System.Globalization;
using LiveState.Blazor.Internal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Dashboard;

/// <summary>
/// The live dashboard: re-renders when LiveState delivers something or a circuit changes, at most once per
/// <see cref="LiveStateDashboardOptions.RefreshInterval"/>, and checks the app's health every
/// <see cref="LiveStateDashboardOptions.HealthInterval"/>. Checks the policy again in its circuit.
/// </summary>
internal sealed class DashboardView : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private DashboardReader? _reader;
    private DashboardSnapshot? _snapshot;
    private IReadOnlyList<DashboardHealth>? _health;
    private bool _healthRegistered = true;
    private bool _denied;
    private ITimer? _refresh;
    private ITimer? _healthTimer;
    private int _scheduled;

    [Parameter]
    public string? Policy { get; set; }

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    [Inject]
    private DashboardReader Reader { get; set; } = default!;

    [Inject]
    private DashboardFeed Feed { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILogger<DashboardView> Logger { get; set; } = default!;

    public void Dispose()
    {
        Feed.Changed -= OnChanged;
        _refresh?.Dispose();
        _healthTimer?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        if (Policy is not null && !await AuthorizedAsync())
        {
            _denied = true;
            return;
        }

        // Prerendered, the page says it is loading: what it would read is read again once the circuit is up.
        if (RendererInfo.IsInteractive)
        {
            _reader = Reader;
            _snapshot = await _reader.ReadAsync(_disposed.Token);
            _refresh = Time.CreateTimer(_ => _ = InvokeAsync(RefreshAsync), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _healthTimer = Time.CreateTimer(_ => _ = InvokeAsync(CheckHealthAsync), null, TimeSpan.Zero, Feed.Options.HealthInterval);
            Feed.Changed += OnChanged;
        }
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "main");
        builder.AddAttribute(1, "id", "livestate-dashboard");
        builder.AddAttribute(2, "data-interactive", RendererInfo.IsInteractive ? "true" : "false");
        builder.AddMarkupContent(3, "<h1>LiveState dashboard</h1>");
        if (_denied)
        {
            builder.AddMarkupContent(4, "<p id=\"dashboard-denied\">You are not allowed to see this dashboard.</p>");
        }
        else if (_snapshot is null)
        {
            builder.AddMarkupContent(9, "<p class=\"muted\">Loading…</p>");
        }
        else
        {
            var s = _snapshot;
            builder.AddContent(5, (RenderFragment)(b => Summary(b, s)));
            builder.AddContent(6, (RenderFragment)(b => Health(b)));
            builder.AddContent(7, (RenderFragment)(b => Groups(b, s)));
            builder.AddContent(8, (RenderFragment)(b => Deliveries(b, s)));
        }

        builder.CloseElement();
    }

    private static void Summary(RenderTreeBuilder b, DashboardSnapshot s)
    {
        b.OpenElement(0, "p");
        b.AddAttribute(1, "class", "muted");
        b.AddContent(2, $"Server {s.Server} · store {s.Store} · backend {s.Backend} · {(s.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture))} UTC · updates live");
        b.CloseElement();
        b.OpenElement(3, "div");
        b.AddAttribute(4, "class", "chips");
        Chip(b, "circuits-here", $"{s.CircuitsHere} circuits on this server");
        Chip(b, "circuits-cluster", $"{s.CircuitsInCluster} in the cluster");
        Chip(b, "groups-here", $"{s.GroupsHere} groups shown here");
        Chip(b, "users-here", $"{s.UsersHere} users online here");
        Chip(b, "deliveries", $"{s.Deliveries} deliveries since start");
        b.CloseElement();

        static void Chip(RenderTreeBuilder b, string id, string text)
        {
            b.OpenElement(0, "span");
            b.AddAttribute(1, "id", id);
            b.AddContent(2, text);
            b.CloseElement();
        }
    }

    private void Health(RenderTreeBuilder b)
    {
        b.AddMarkupContent(0, "<h2>Health</h2>");
        if (!_healthRegistered)
        {
            b.AddMarkupContent(1, "<p class=\"muted\">No health checks registered (<code>builder.Services.AddHealthChecks()</code>; the Redis package adds <code>AddLiveStateRedis()</code>).</p>");
            return;
        }

        if (_health is null)
        {
            b.AddMarkupContent(2, "<p class=\"muted\">Checking…</p>");
            return;
        }

        var health = _health;
        Table(b, "health", "<th>check</th><th>status</th><th>description</th><th class=\"n\">took</th>", rows =>
        {
            foreach (var h in health)
            {
                rows.OpenElement(0, "tr");
                rows.SetKey(h.Name);
                Cell(rows, h.Name);
                rows.OpenElement(1, "td");
                rows.AddAttribute(2, "class", h.Status.ToString());
                rows.AddContent(3, h.Status.ToString());
                rows.CloseElement();
                Cell(rows, h.Description ?? string.Empty);
                Cell(rows, Ms(h.Duration), numeric: true);
                rows.CloseElement();
            }
        });
    }

    private static void Groups(RenderTreeBuilder b, DashboardSnapshot s)
    {
        b.AddMarkupContent(0, "<h2>Groups shown on this server</h2>");
        Table(b, "groups", "<th>group (redacted)</th><th class=\"n\">circuits here</th><th class=\"n\">in cluster</th><th class=\"n\">users</th><th>slot</th><th>type</th><th class=\"n\">version</th><th class=\"n\">size</th><th>last change</th>", b => GroupRows(b, s));
        if (s.GroupsNotShown > 0)
        {
            b.OpenElement(1, "p");
            b.AddAttribute(2, "class", "muted");
            b.AddContent(3, $"and {s.GroupsNotShown} more groups with fewer circuits (LiveStateDashboardOptions.MaxGroups).");
            b.CloseElement();
        }
    }

    private static void GroupRows(RenderTreeBuilder b, DashboardSnapshot s)
    {
        foreach (var g in s.Groups)
        {
            var rows = Math.Max(1, g.Slots.Count);
            for (var i = 0; i < rows; i++)
            {
                b.OpenElement(5, "tr");
                b.SetKey((g.Id, i));
                b.AddAttribute(6, "data-group", g.Id);
                if (i == 0)
                {
                    Cell(b, g.Id, rowSpan: rows);
                    Cell(b, g.CircuitsHere.ToString(CultureInfo.InvariantCulture), numeric: true, rowSpan: rows);
                    Cell(b, g.CircuitsInCluster.ToString(CultureInfo.InvariantCulture), numeric: true, rowSpan: rows);
                    Cell(b, g.Users.ToString(CultureInfo.InvariantCulture), numeric: true, rowSpan: rows);
                }

                if (g.Slots.Count == 0)
                {
                    b.AddMarkupContent(11, "<td colspan=\"5\" class=\"muted\">no slot yet</td>");
                }
                else
                {
                    var slot = g.Slots[i];
                    Cell(b, slot.Key);
                    Cell(b, slot.Type);
                    Cell(b, slot.Version?.ToString(CultureInfo.InvariantCulture) ?? slot.Error ?? "?", numeric: true);
                    Cell(b, slot.Bytes is { } bytes ? $"{bytes:N0} B" : string.Empty, numeric: true);
                    Cell(b, slot.ChangedAt is { } at ? at.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) : "before this server started");
                }

                b.CloseElement();
            }
        }
    }

    private static void Deliveries(RenderTreeBuilder b, DashboardSnapshot s)
    {
        b.AddMarkupContent(0, "<h2>Last deliveries of this server</h2>");
        Table(b, "deliveries", "<th>at (UTC)</th><th>kind</th><th>target</th><th>group (redacted)</th><th>slot</th><th class=\"n\">circuits reached</th><th class=\"n\">took</th>", rows =>
        {
            foreach (var d in s.Recent)
            {
                rows.OpenElement(0, "tr");
                Cell(rows, d.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture));
                Cell(rows, d.Cause.ToString());
                Cell(rows, d.Target.ToString());
                Cell(rows, d.Group ?? string.Empty);
                Cell(rows, d.Slot ?? string.Empty);
                Cell(rows, d.Reached.ToString(CultureInfo.InvariantCulture), numeric: true);
                Cell(rows, Ms(d.Duration), numeric: true);
                rows.CloseElement();
            }
        });
    }

    private static void Table(RenderTreeBuilder b, string id, string headings, RenderFragment rows)
    {
        b.OpenElement(0, "table");
        b.AddAttribute(1, "id", id);
        b.AddMarkupContent(2, "<thead><tr>" + headings + "</tr></thead>");
        b.OpenElement(3, "tbody");
        b.AddContent(4, rows);
        b.CloseElement();
        b.CloseElement();
    }

    // Cells of a row are siblings with the same sequence numbers, as the items of a loop are.
    private static void Cell(RenderTreeBuilder b, string text, bool numeric = false, int rowSpan = 1)
    {
        b.OpenElement(0, "td");
        if (numeric)
        {
            b.AddAttribute(1, "class", "n");
        }

        if (rowSpan > 1)
        {
            b.AddAttribute(2, "rowspan", rowSpan);
        }

        b.AddContent(3, text);
        b.CloseElement();
    }

    private static string Ms(TimeSpan duration) => $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms";

    private async Task<bool> AuthorizedAsync()
    {
        var authentication = Services.GetService<AuthenticationStateProvider>();
        var authorization = Services.GetService<IAuthorizationService>();
        if (authentication is null || authorization is null)
        {
            return false;
        }

        var state = await authentication.GetAuthenticationStateAsync();
        return (await authorization.AuthorizeAsync(state.User, Policy!)).Succeeded;
    }

    private void OnChanged()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            try
            {
                _refresh?.Change(Feed.Options.RefreshInterval, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The dashboard closed meanwhile.
            }
        }
    }

    private async Task RefreshAsync()
    {
        Volatile.Write(ref _scheduled, 0);
        if (_disposed.IsCancellationRequested || _reader is null)
        {
            return;
        }

        try
        {
            _snapshot = await _reader.ReadAsync(_disposed.Token);
            StateHasChanged();
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested)
        {
            // The next change tries again; a dashboard must never take its circuit down.
            Log.DashboardRefreshFailed(Logger, ex);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CheckHealthAsync()
    {
        if (_disposed.IsCancellationRequested || _reader is null)
        {
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
            timeout.CancelAfter(Feed.Options.HealthInterval);
            _health = await Feed.HealthAsync().WaitAsync(timeout.Token);
            _healthRegistered = _health is not null;
            StateHasChanged();
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested)
        {
            Log.DashboardRefreshFailed(Logger, ex);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
