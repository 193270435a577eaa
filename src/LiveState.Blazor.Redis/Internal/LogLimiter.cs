namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Lets one log line through per interval and counts the ones it held back, for events that anyone able to write to
/// Redis could repeat without end (unreadable messages and presence entries).
/// </summary>
internal sealed class LogLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _last;
    private bool _any;
    private int _suppressed;

    public LogLimiter(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _interval = interval;
    }

    /// <summary>Whether to log now; if so, <paramref name="suppressed"/> says how many were held back since the last.</summary>
    public bool TryEnter(out int suppressed)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (!_any || _time.GetElapsedTime(_last, now) >= _interval)
            {
                _any = true;
                _last = now;
                suppressed = _suppressed;
                _suppressed = 0;
                return true;
            }

            _suppressed++;
            suppressed = 0;
            return false;
        }
    }
}
