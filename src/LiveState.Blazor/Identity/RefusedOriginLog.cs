using LiveState.Blazor.Internal;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Identity;

/// <summary>
/// Logs hub requests refused by the origin allowlist at most once per <see cref="Interval"/>, with the number refused
/// since the last message. Anyone can send refused requests in a loop; they must not flood the log, nor write what
/// the sender chose into it unbounded: the origin is cut to <see cref="MaxOriginLength"/> printable ASCII characters.
/// </summary>
internal sealed class RefusedOriginLog
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public const int MaxOriginLength = 100;

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private DateTimeOffset _next = DateTimeOffset.MinValue;
    private long _suppressed;

    public RefusedOriginLog(ILogger logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    public void Refused(string origin)
    {
        var now = _time.GetUtcNow();
        long suppressed;
        lock (_lock)
        {
            if (now < _next)
            {
                _suppressed++;
                return;
            }

            _next = now + Interval;
            suppressed = _suppressed;
            _suppressed = 0;
        }

        Log.HubOriginRejected(_logger, Printable(origin), suppressed);
    }

    /// <summary>The origin as a log may show it: printable ASCII only, at most <see cref="MaxOriginLength"/> characters and a note of the rest.</summary>
    internal static string Printable(string origin)
    {
        var shown = origin.Length > MaxOriginLength ? origin[..MaxOriginLength] : origin;
        var text = string.Create(shown.Length, shown, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' ? source[i] : '?';
            }
        });
        return origin.Length > MaxOriginLength ? $"{text}… ({origin.Length} characters)" : text;
    }
}
