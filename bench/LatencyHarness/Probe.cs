namespace LiveState.Blazor.LatencyHarness;

/// <summary>
/// The in-page half of the measurement. Every timestamp is taken inside the browser as
/// <c>performance.timeOrigin + performance.now()</c>: milliseconds since the Unix epoch with sub-millisecond
/// resolution, on a clock all of one Chromium's tabs share (checked per run by <see cref="ClockCheck"/>).
/// A capture-phase listener stamps every click; a MutationObserver stamps the moment the watched text appears.
/// The click itself is a real (trusted) mouse click through Playwright, without its actionability checks: those wait
/// for animation frames, which a tab in the background does not get, and would add a second to every sample
/// (outside the measured interval, but it would make a run take half an hour).
/// </summary>
internal static class Probe
{
    public const string InitScript = """
        (() => {
          const now = () => performance.timeOrigin + performance.now();
          const probe = { clickAt: NaN, seen: null, now };
          window.__latency = probe;
          window.addEventListener('click', () => { probe.clickAt = now(); }, true);
          probe.expect = (text) => {
            probe.seen = new Promise((resolve, reject) => {
              const shows = () => document.getElementById('value')?.textContent === text;
              if (shows()) { resolve(NaN); return; }
              // No timeout here: a tab stays armed while the other page's block runs; the harness bounds every sample.
              const observer = new MutationObserver(() => {
                if (shows()) { const at = now(); observer.disconnect(); resolve(at); }
              });
              observer.observe(document.body, { childList: true, subtree: true, characterData: true });
            });
          };
        })();
        """;

    /// <summary>Arms the tab: its next appearance of <paramref name="text"/> is stamped.</summary>
    public static Task ExpectAsync(Microsoft.Playwright.IPage page, string text) =>
        page.EvaluateAsync("text => window.__latency.expect(text)", text);

    /// <summary>When the armed text appeared (waits for it).</summary>
    public static async Task<double> SeenAsync(Microsoft.Playwright.IPage page)
    {
        var at = await page.EvaluateAsync<double>("() => window.__latency.seen");
        return double.IsNaN(at) ? throw new InvalidOperationException("The text was already there when the tab was armed.") : at;
    }

    /// <summary>
    /// Waits until the armed text appeared and returns when it did, and arms the tab for <paramref name="next"/> in
    /// the same round trip (so that a sample costs three round trips: the click and one per tab).
    /// </summary>
    public static async Task<double> SeenAndArmAsync(Microsoft.Playwright.IPage page, string next)
    {
        var at = await page.EvaluateAsync<double>("async next => { const p = window.__latency; const at = await p.seen; p.expect(next); return at; }", next);
        return double.IsNaN(at) ? throw new InvalidOperationException("The text was already there when the tab was armed.") : at;
    }

    /// <summary>Waits until the clicking tab showed the armed text, arms it for <paramref name="next"/> and returns when its latest click was dispatched.</summary>
    public static Task<double> ClickAtAndArmAsync(Microsoft.Playwright.IPage page, string next) =>
        page.EvaluateAsync<double>("async next => { const p = window.__latency; await p.seen; const at = p.clickAt; p.expect(next); return at; }", next);

    /// <summary>When the tab's latest click was dispatched.</summary>
    public static Task<double> ClickAtAsync(Microsoft.Playwright.IPage page) =>
        page.EvaluateAsync<double>("() => window.__latency.clickAt");

    /// <summary>The tab's clock now.</summary>
    public static Task<double> NowAsync(Microsoft.Playwright.IPage page) =>
        page.EvaluateAsync<double>("() => window.__latency.now()");
}
