using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// One background job of the Redis backend (the presence writer, the heartbeat, the channel's message handler, the
/// catch-up after an outage) that must never end on an exception. It runs the job's body, catches whatever the body
/// throws, logs it (a run of failures: the first at Warning, the rest at Debug at most once per
/// <see cref="RepeatLogInterval"/>), reports the job as failing to the health check, waits a backoff with jitter,
/// and runs the body again. The first success after failures logs the recovery and reports the job healthy.
/// Time comes from <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SupervisedLoop
{
    /// <summary>How often a job that keeps failing logs again (at Debug).</summary>
    internal static readonly TimeSpan RepeatLogInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _minBackoff;
    private readonly Func<TimeSpan> _maxBackoff;
    private readonly Func<TimeSpan>? _forgetAfter;
    private long _lastFailure;
    private int _failures;
    private DateTimeOffset? _failingSince;
    private string? _lastError;
    private long _lastLogged;
    private int _suppressed;

    /// <param name="name">What the job is, for logs and the health check ("presence writer").</param>
    /// <param name="time">The clock for backoffs and log rate limits.</param>
    /// <param name="logger">Where failures and recoveries are logged.</param>
    /// <param name="minBackoff">The wait after a first failure; it doubles with every further one.</param>
    /// <param name="maxBackoff">The longest wait (read at each failure, so it may follow options).</param>
    /// <param name="forgetAfter">
    /// For a job driven from outside (a message handler): a failure with nothing since for this long is no longer
    /// reported, since no next run may come to clear it. Null: failing until the next success.
    /// </param>
    public SupervisedLoop(string name, TimeProvider time, ILogger logger, TimeSpan minBackoff, Func<TimeSpan> maxBackoff, Func<TimeSpan>? forgetAfter = null)
    {
        Name = name;
        _time = time;
        _logger = logger;
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
        _forgetAfter = forgetAfter;
    }

    public string Name { get; }

    /// <summary>The body failed and has not succeeded since (nor, for a job driven from outside, been left alone long enough).</summary>
    public bool IsFailing
    {
        get
        {
            lock (_lock)
            {
                return IsFailingLocked();
            }
        }
    }

    private bool IsFailingLocked() =>
        _failures > 0 && (_forgetAfter is null || _time.GetElapsedTime(_lastFailure) < _forgetAfter());

    /// <summary>Whether the job is failing, since when, how often, and what it last failed with (type and reason, no data).</summary>
    public (bool Failing, DateTimeOffset? Since, int Failures, string? LastError) Status
    {
        get
        {
            lock (_lock)
            {
                return (IsFailingLocked(), _failingSince, _failures, _lastError);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> until it returns or <paramref name="cancellationToken"/> is cancelled; whenever it
    /// throws, reports the failure, backs off and runs it again. The returned task never faults.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Returning is finishing (the body's work is done, or it stops): no longer failing.
                await body(cancellationToken).ConfigureAwait(false);
                Succeeded();
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var backoff = Failed(ex);
                try
                {
                    await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Runs one iteration of a job that has its own pace (a timer, a message): catches and reports what it throws,
    /// reports success otherwise. Returns whether it succeeded; never throws, except when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<bool> RunOnceAsync(Func<CancellationToken, Task> iteration, CancellationToken cancellationToken)
    {
        try
        {
            await iteration(cancellationToken).ConfigureAwait(false);
            Succeeded();
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Failed(ex);
            return false;
        }
    }

    /// <summary>The body did its work: a failing job has recovered.</summary>
    public void Succeeded()
    {
        int failures;
        DateTimeOffset? since;
        lock (_lock)
        {
            if (_failures == 0)
            {
                return;
            }

            (failures, since) = (_failures, _failingSince);
            _failures = 0;
            _failingSince = null;
            _lastError = null;
            _suppressed = 0;
        }

        Log.LoopRecovered(_logger, Name, failures, since is { } start ? _time.GetUtcNow() - start : TimeSpan.Zero);
    }

    /// <summary>The body failed: log (rate-limited), report failing; returns how long to wait before trying again.</summary>
    public TimeSpan Failed(Exception exception)
    {
        int failures;
        bool first;
        var log = false;
        var suppressed = 0;
        var now = _time.GetTimestamp();
        var reason = RedisFailures.Describe(RedisFailures.Scrub(exception));
        lock (_lock)
        {
            failures = ++_failures;
            first = failures == 1;
            _lastFailure = now;
            _failingSince ??= _time.GetUtcNow();
            _lastError = reason;
            if (first || _time.GetElapsedTime(_lastLogged, now) >= RepeatLogInterval)
            {
                log = true;
                suppressed = _suppressed;
                _suppressed = 0;
                _lastLogged = now;
            }
            else
            {
                _suppressed++;
            }
        }

        var backoff = Backoff(failures);
        if (first)
        {
            Log.LoopFailed(_logger, Name, reason, (long)backoff.TotalMilliseconds, exception);
        }
        else if (log)
        {
            Log.LoopStillFailing(_logger, Name, failures, suppressed, reason);
        }

        return backoff;
    }

    private TimeSpan Backoff(int failures)
    {
        var max = _maxBackoff();
        var min = _minBackoff < max ? _minBackoff : max;
        var exponential = min.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = Math.Min(exponential, max.TotalMilliseconds);

        // Jitter: servers that failed together do not retry in lockstep.
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }
}
