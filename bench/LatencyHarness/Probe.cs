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
              const timer = setTimeout(() => { observer.disconnect(); reject(new Error('"' + text + '" did not appear within 15 s')); }, 15000);
              const observer = new MutationObserver(() => {
                if (shows()) { const at = now(); observer.disconnect(); clearTimeout(timer); resolve(at); }
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

    /// <summary>When the tab's latest click was dispatched.</summary>
    public static Task<double> ClickAtAsync(Microsoft.Playwright.IPage page) =>
        page.EvaluateAsync<double>("() => window.__latency.clickAt");

    /// <summary>The tab's clock now.</summary>
    public static Task<double> NowAsync(Microsoft.Playwright.IPage page) =>
        page.EvaluateAsync<double>("() => window.__latency.now()");
}
