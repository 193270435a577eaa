using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// The helper every background job of the Redis backend runs under: a body that throws is logged, reported, retried
/// after a backoff with jitter on the given clock, and reported again as working once it succeeds.
/// </summary>
public sealed class SupervisedLoopTests
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(700);

    [Fact]
    public async Task ABodyThatThrowsIsLoggedOnceReportedFailingRetriedAfterAGrowingJitteredBackoffAndRecovers()
    {
        var time = new ManualTime();
        var logs = new ListLoggerProvider();
        var loops = new BackendLoops(time);
        var loop = loops.Add("test job", logs.CreateLogger("test"), MinBackoff, () => MaxBackoff);
        var attempts = 0;
        using var stop = new CancellationTokenSource();

        var running = loop.RunAsync(_ =>
        {
            // Five failures (the first an unexpected bug, not a Redis error), then the job finishes.
            return ++attempts <= 5 ? throw new InvalidOperationException($"failure {attempts}") : Task.CompletedTask;
        }, stop.Token);

        var waits = new List<TimeSpan>();
        for (var failure = 1; failure <= 5; failure++)
        {
            await Wait.UntilAsync(() => time.Pending().Count == 1 || running.IsCompleted, $"failure {failure} armed its backoff");
            Assert.False(running.IsCompleted, "the loop outlives its body's exceptions");
            Assert.True(loop.IsFailing);
            Assert.Equal(["test job"], loops.Failing().Select(l => l.Name));
            Assert.Contains($"failure {failure}", loop.Status.LastError, StringComparison.Ordinal);
            var wait = time.Pending()[0];
            waits.Add(wait);
            time.Advance(wait);
            await Wait.UntilAsync(() => attempts > failure, $"attempt {failure + 1} ran after the backoff");
        }

        await running.WaitAsync(Wait.Deadline);
        Assert.False(loop.IsFailing);
        Assert.Empty(loops.Failing());

        // Each wait is the doubled base, capped, times a jitter in [0.5, 1].
        for (var i = 0; i < waits.Count; i++)
        {
            var full = Math.Min(MinBackoff.TotalMilliseconds * Math.Pow(2, i), MaxBackoff.TotalMilliseconds);
            Assert.InRange(waits[i].TotalMilliseconds, full * 0.5, full);
        }

        // One warning for the run of failures (the rest within the repeat interval are held back), one line on recovery.
        Assert.Single(logs.Entries, e => e.EventId == 150 && e.Level == LogLevel.Warning);
        Assert.DoesNotContain(logs.Entries, e => e.EventId == 151);
        Assert.Single(logs.Entries, e => e.EventId == 152 && e.Level == LogLevel.Information);
    }

    [Fact]
    public async Task AJobStillFailingLogsAgainAtMostOncePerRepeatIntervalWithTheCountHeldBack()
    {
        var time = new ManualTime();
        var logs = new ListLoggerProvider();
        var loop = new BackendLoops(time).Add("test job", logs.CreateLogger("test"), TimeSpan.Zero, () => TimeSpan.Zero);

        for (var i = 0; i < 4; i++)
        {
            Assert.False(await loop.RunOnceAsync(_ => throw new TimeoutException("slow"), CancellationToken.None));
        }

        time.Advance(SupervisedLoop.RepeatLogInterval);
        Assert.False(await loop.RunOnceAsync(_ => throw new TimeoutException("slow"), CancellationToken.None));
        Assert.True(await loop.RunOnceAsync(_ => Task.CompletedTask, CancellationToken.None));

        Assert.Single(logs.Entries, e => e.EventId == 150);
        var again = Assert.Single(logs.Entries, e => e.EventId == 151);
        Assert.Contains("5 failures in a row, 3 not logged", again.Message, StringComparison.Ordinal);
        Assert.Single(logs.Entries, e => e.EventId == 152);
        Assert.False(loop.IsFailing);
    }

    [Fact]
    public async Task AFailureOfAJobDrivenFromOutsideIsReportedUntilItsNextRunOrForAWhile()
    {
        var time = new ManualTime();
        var loops = new BackendLoops(time);
        var handler = loops.Add("message handler", new ListLoggerProvider().CreateLogger("test"), TimeSpan.Zero, () => TimeSpan.Zero, () => TimeSpan.FromSeconds(6));

        Assert.False(await handler.RunOnceAsync(_ => throw new InvalidOperationException("bad"), CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Single(loops.Failing());

        // No message came to clear it: after a while it is no longer reported (the messages that failed were logged).
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(loops.Failing());
    }
}
