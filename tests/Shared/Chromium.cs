using Microsoft.Playwright;

namespace LiveState.Blazor.Tests.Shared;

/// <summary>Debian's Chromium, driven by Playwright (which cannot download its own browsers here).</summary>
internal static class Chromium
{
    private const string DefaultExecutable = "/usr/bin/chromium";

    /// <summary>Launches the distribution's Chromium (or <c>E2E_CHROMIUM</c>), headless.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var executable = Environment.GetEnvironmentVariable("E2E_CHROMIUM") is { Length: > 0 } path ? path : DefaultExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Chromium was not found at {executable}; install Debian's chromium package (scripts/test.sh does) or set E2E_CHROMIUM.");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });
    }
}
