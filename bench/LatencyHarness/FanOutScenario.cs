using System.Globalization;
using Microsoft.Playwright;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>
/// One browser with a clicking tab and N watching tabs on the same counter page: click once, time until every
/// watching tab shows the new count (and until the median one does).
/// </summary>
internal sealed class FanOutScenario(string name, Uri address, int tabs)
{
    private IBrowserContext? _context;
    private IPage _clicker = default!;
    private readonly List<IPage> _watchers = [];

    public string Name { get; } = name;

    /// <summary>Per update: milliseconds until all watching tabs showed it.</summary>
    public List<double> All { get; } = [];

    /// <summary>Per update: milliseconds until half of the watching tabs showed it.</summary>
    public List<double> Median { get; } = [];

    public async Task OpenAsync(IBrowser browser)
    {
        _context = await Tabs.NewBrowserAsync(browser);
        _clicker = await Tabs.OpenAsync(_context, address);
        for (var i = 0; i < tabs; i++)
        {
            _watchers.Add(await Tabs.OpenAsync(_context, address));
        }
    }

    public async Task SampleAsync(bool record)
    {
        var expected = (await Tabs.ValueAsync(_clicker) + 1).ToString(CultureInfo.InvariantCulture);
        foreach (var watcher in _watchers)
        {
            await Probe.ExpectAsync(watcher, expected);
        }

        await Probe.ExpectAsync(_clicker, expected);
        await _clicker.ClickAsync("#increment", new() { Force = true });
        var clickAt = await Probe.ClickAtAsync(_clicker);
        var seen = new double[_watchers.Count];
        for (var i = 0; i < seen.Length; i++)
        {
            seen[i] = await Probe.SeenAsync(_watchers[i]) - clickAt;
        }

        await Probe.SeenAsync(_clicker);
        if (record)
        {
            Array.Sort(seen);
            All.Add(seen[^1]);
            Median.Add(seen[(seen.Length - 1) / 2]);
        }
    }

    public async Task CloseAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
