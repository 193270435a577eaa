using System.Net;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>Anyone can send refused hub requests in a loop: that must not flood the log, nor write what the attacker sent into it unbounded.</summary>
public sealed class OriginLogFloodTests
{
    private const int HubOriginRejected = 2;

    private static async Task<(CookieTestApp App, FakeLogCollector Logs, FakeTimeProvider Clock)> StartAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var app = await CookieTestApp.StartAsync(
            o => o.AllowedHubOrigins.Add("https://app.example.com"),
            services: s =>
            {
                s.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
                s.AddSingleton<TimeProvider>(clock);
            });
        return (app, app.Services.GetFakeLogCollector(), clock);
    }

    private static HttpRequestMessage Refused(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/_blazor/negotiate?negotiateVersion=1");
        request.Headers.TryAddWithoutValidation("Origin", origin);
        return request;
    }

    private static List<FakeLogRecord> Refusals(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(e => e.Category?.StartsWith("LiveState.Blazor", StringComparison.Ordinal) == true && e.Id.Id == HubOriginRejected).ToList();

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
        Assert.Equal("9999", refusals[1].GetStructuredStateValue("Suppressed"));
        Assert.Equal(2, logs.GetSnapshot().Count(e => e.Level >= LogLevel.Warning));
        Assert.True(logs.GetSnapshot().Count(e => e.Category?.StartsWith("LiveState.Blazor", StringComparison.Ordinal) == true) <= 2, "LiveState logged more than the two refusals");
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
        var logged = refusal.GetStructuredStateValue("Origin")!;
        Assert.True(logged.Length <= 160, $"{logged.Length} characters logged");
        Assert.DoesNotContain(logged, c => char.IsControl(c));
        Assert.StartsWith("https://evil.example.net/", logged, StringComparison.Ordinal);
    }
}
