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
    private int _value;

    public string Name { get; } = name;

    /// <summary>Per update: milliseconds until all watching tabs showed it.</summary>
    public List<double> All { get; } = [];

    /// <summary>Per update: milliseconds until half of the watching tabs showed it.</summary>
    public List<double> Median { get; } = [];

    /// <summary><see cref="All"/> again, one list per block (per round of the interleaving), for the block bootstrap.</summary>
    public List<List<double>> AllBlocks { get; } = [];

    public async Task OpenAsync(IBrowser browser)
    {
        _context = await Tabs.NewBrowserAsync(browser);
        _clicker = await Tabs.OpenAsync(_context, address);
        for (var i = 0; i < tabs; i++)
        {
            _watchers.Add(await Tabs.OpenAsync(_context, address));
        }

        _value = await Tabs.ValueAsync(_clicker);
        foreach (var page in _watchers.Append(_clicker))
        {
            await Probe.ExpectAsync(page, Text(_value + 1));
        }
    }

    /// <summary>One click; every tab was armed for the new count by the previous sample and is armed for the next as it is read.</summary>
    public async Task SampleAsync(bool record)
    {
        var next = Text(_value + 2);
        await _clicker.ClickAsync("#increment", new() { Force = true });
        var clickAt = await Probe.ClickAtAndArmAsync(_clicker, next);
        var seen = new double[_watchers.Count];
        for (var i = 0; i < seen.Length; i++)
        {
            seen[i] = await Probe.SeenAndArmAsync(_watchers[i], next) - clickAt;
        }

        _value++;
        if (record)
        {
            Array.Sort(seen);
            All.Add(seen[^1]);
            Median.Add(seen[(seen.Length - 1) / 2]);
            AllBlocks[^1].Add(seen[^1]);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public async Task CloseAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
