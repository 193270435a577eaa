using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>The Redis backend's supervised background jobs, so the health check can say which of them is failing.</summary>
internal sealed class BackendLoops
{
    private readonly Lock _lock = new();
    private readonly List<SupervisedLoop> _loops = [];
    private readonly TimeProvider _time;

    public BackendLoops(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Adds a job; see <see cref="SupervisedLoop"/> for the parameters.</summary>
    public SupervisedLoop Add(string name, ILogger logger, TimeSpan minBackoff, Func<TimeSpan> maxBackoff, Func<TimeSpan>? forgetAfter = null)
    {
        var loop = new SupervisedLoop(name, _time, logger, minBackoff, maxBackoff, forgetAfter);
        lock (_lock)
        {
            _loops.Add(loop);
        }

        return loop;
    }

    /// <summary>The jobs failing now.</summary>
    public IReadOnlyList<SupervisedLoop> Failing()
    {
        lock (_lock)
        {
            return [.. _loops.Where(l => l.IsFailing)];
        }
    }
}
