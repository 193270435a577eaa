using Microsoft.Playwright;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>Opening tabs and checking their clocks.</summary>
internal static class Tabs
{
    /// <summary>A fresh browser profile (its own cookies: a new anonymous session group) with the probe in every tab.</summary>
    public static async Task<IBrowserContext> NewBrowserAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 800, Height = 600 } });
        context.SetDefaultTimeout(30_000);
        await context.AddInitScriptAsync(Probe.InitScript);
        return context;
    }

    /// <summary>Opens <paramref name="address"/> in a new tab of <paramref name="context"/> and waits until its circuit is up.</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context, Uri address)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(address.ToString());
        await page.WaitForFunctionAsync("() => document.getElementById('mode')?.textContent === 'interactive'");
        return page;
    }

    /// <summary>The count a tab shows.</summary>
    public static async Task<int> ValueAsync(IPage page) =>
        int.Parse(await page.Locator("#value").TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Checks that two tabs' clocks agree: reads A, B, A in turn; B's reading must fall between A's. Reports the
/// tightest bracket's estimate of B's offset and how many of the rounds put B outside A's bracket.
/// </summary>
internal static class ClockCheck
{
    public static async Task<string> RunAsync(IPage a, IPage b, int rounds = 30)
    {
        var best = (Offset: 0.0, HalfWidth: double.MaxValue);
        var outside = 0;
        for (var i = 0; i < rounds; i++)
        {
            var a1 = await Probe.NowAsync(a);
            var tb = await Probe.NowAsync(b);
            var a2 = await Probe.NowAsync(a);
            if (tb < a1 || tb > a2)
            {
                outside++;
            }

            if ((a2 - a1) / 2 < best.HalfWidth)
            {
                best = (tb - ((a1 + a2) / 2), (a2 - a1) / 2);
            }
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"tab B's clock vs tab A's: {(best.Offset < 0 ? "-" : "+")}{Math.Abs(best.Offset):F2} ms ± {best.HalfWidth:F2} ms (tightest of {rounds} A-B-A readings; B outside A's bracket in {outside})");
    }
}
