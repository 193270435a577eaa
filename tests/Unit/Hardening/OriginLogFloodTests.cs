using System.Net;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>Anyone can send refused hub requests in a loop: that must not flood the log, nor write what the attacker sent into it unbounded.</summary>
public sealed class OriginLogFloodTests
{
    private const int HubOriginRejected = 2;

    private static async Task<(CookieTestApp App, LogCapture Logs, ManualTimeProvider Clock)> StartAsync()
    {
        var logs = new LogCapture();
        var clock = new ManualTimeProvider();
        var app = await CookieTestApp.StartAsync(
            o => o.AllowedHubOrigins.Add("https://app.example.com"),
            services: s =>
            {
                logs.AddTo(s);
                s.AddSingleton<TimeProvider>(clock);
            });
        return (app, logs, clock);
    }

    private static HttpRequestMessage Refused(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/_blazor/negotiate?negotiateVersion=1");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return request;
    }

    private static List<LogCapture.Entry> Refusals(LogCapture logs) =>
        logs.Entries.Where(e => e.Category.StartsWith("LiveState.Blazor", StringComparison.Ordinal) && e.EventId.Id == HubOriginRejected).ToList();

    [Fact]
    public async Task TenThousandRefusedRequestsWriteOneWarningAMinuteWithTheCountOfTheRest()
    {
        var (app, logs, clock) = await StartAsync();
        await using var _ = app;

        for (var i = 0; i < 10_000; i++)
        {
            using var request = Refused($"https://evil-{i}.example.net");
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        var first = Assert.Single(Refusals(logs));
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.Contains("https://evil-0.example.net", first.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromSeconds(61));
        using (await app.Client.SendAsync(Refused("https://evil-last.example.net")))
        {
        }

        var refusals = Refusals(logs);
        Assert.Equal(2, refusals.Count);
        Assert.Contains("https://evil-last.example.net", refusals[1].Message, StringComparison.Ordinal);
        Assert.Contains(refusals[1].State, p => p.Key == "Suppressed" && Convert.ToInt64(p.Value, System.Globalization.CultureInfo.InvariantCulture) == 9_999);
        Assert.Equal(2, logs.Entries.Count(e => e.Level >= LogLevel.Warning));
        Assert.True(logs.Entries.Count(e => e.Category.StartsWith("LiveState.Blazor", StringComparison.Ordinal)) <= 2, "LiveState logged more than the two refusals");
    }

    [Fact]
    public async Task ALoggedOriginIsCutAndCarriesNoControlCharacters()
    {
        var (app, logs, _) = await StartAsync();
        await using var _ = app;
        var origin = "https://evil.example.net/\u0001\u001b[31m" + new string('a', 20_000);

        using (await app.Client.SendAsync(Refused(origin)))
        {
        }

        var refusal = Assert.Single(Refusals(logs));
        var logged = (string)refusal.State.Single(p => p.Key == "Origin").Value!;
        Assert.True(logged.Length <= 160, $"{logged.Length} characters logged");
        Assert.DoesNotContain(logged, c => char.IsControl(c));
        Assert.StartsWith("https://evil.example.net/", logged, StringComparison.Ordinal);
    }
}
