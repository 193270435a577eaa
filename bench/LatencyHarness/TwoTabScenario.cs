using System.Globalization;
using Microsoft.Playwright;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>
/// Two tabs of one browser on the same counter page: click in tab A, time until tab B shows the new count.
/// A sample ends only once both tabs show it, so samples never overlap.
/// </summary>
internal sealed class TwoTabScenario(string name, Uri addressA, Uri addressB)
{
    private IBrowserContext? _context;
    private IPage _a = default!;
    private IPage _b = default!;

    public string Name { get; } = name;

    public List<double> Samples { get; } = [];

    public string Clock { get; private set; } = "";

    public async Task OpenAsync(IBrowser browser)
    {
        _context = await Tabs.NewBrowserAsync(browser);
        _a = await Tabs.OpenAsync(_context, addressA);
        _b = await Tabs.OpenAsync(_context, addressB);
        if (await Tabs.ValueAsync(_a) != await Tabs.ValueAsync(_b))
        {
            throw new InvalidOperationException($"{Name}: the two tabs do not share the counter.");
        }

        Clock = await ClockCheck.RunAsync(_a, _b);
    }

    /// <summary>One click; returns milliseconds from the click in A until B showed the new count.</summary>
    public async Task<double> SampleAsync()
    {
        var expected = (await Tabs.ValueAsync(_a) + 1).ToString(CultureInfo.InvariantCulture);
        await Probe.ExpectAsync(_b, expected);
        await Probe.ExpectAsync(_a, expected);
        await _a.ClickAsync("#increment", new() { Force = true });
        var clickAt = await Probe.ClickAtAsync(_a);
        var seenInB = await Probe.SeenAsync(_b);
        await Probe.SeenAsync(_a);
        return seenInB - clickAt;
    }

    public async Task CloseAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }
}
