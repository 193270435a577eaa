using System.Globalization;
using Microsoft.Playwright;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>
/// Two tabs of one browser on the same counter page: click in tab A, time until tab B shows the new count.
/// A sample ends only once both tabs show it, so samples never overlap. A sample is three Playwright round trips:
/// the click, then one per tab that reads its timestamp and arms it for the next count.
/// </summary>
internal sealed class TwoTabScenario(string name, Uri addressA, Uri addressB)
{
    private IBrowserContext? _context;
    private IPage _a = default!;
    private IPage _b = default!;
    private int _value;

    public string Name { get; } = name;

    public List<double> Samples { get; } = [];

    /// <summary>The samples again, one list per block (per round of the interleaving), for the block bootstrap.</summary>
    public List<List<double>> Blocks { get; } = [];

    public string Clock { get; private set; } = "";

    public async Task OpenAsync(IBrowser browser)
    {
        _context = await Tabs.NewBrowserAsync(browser);
        _a = await Tabs.OpenAsync(_context, addressA);
        _b = await Tabs.OpenAsync(_context, addressB);
        _value = await Tabs.ValueAsync(_a);
        if (_value != await Tabs.ValueAsync(_b))
        {
            throw new InvalidOperationException($"{Name}: the two tabs do not share the counter.");
        }

        Clock = await ClockCheck.RunAsync(_a, _b);
        await Probe.ExpectAsync(_a, Text(_value + 1));
        await Probe.ExpectAsync(_b, Text(_value + 1));
    }

    /// <summary>
    /// One click; returns milliseconds from the click in A until B showed the new count. Both tabs were armed for the
    /// new count at the end of the previous sample, and are armed for the next one as each is read.
    /// </summary>
    public async Task<double> SampleAsync()
    {
        var next = Text(_value + 2);
        await _a.ClickAsync("#increment", new() { Force = true });
        var clickAt = await Probe.ClickAtAndArmAsync(_a, next);
        var seenInB = await Probe.SeenAndArmAsync(_b, next);
        _value++;
        return seenInB - clickAt;
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
