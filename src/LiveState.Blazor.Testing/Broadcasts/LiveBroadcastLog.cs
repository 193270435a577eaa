namespace LiveState.Blazor.Testing;

/// <summary>
/// Every broadcast sent through <see cref="ILiveBroadcaster"/> since <c>AddLiveState</c> (or the last
/// <see cref="Clear"/>): those app code sends, and those the library sends itself after a state update or when a
/// circuit opens, closes or loses its connection. Get it with <c>ctx.LiveBroadcasts()</c>.
/// </summary>
public sealed class LiveBroadcastLog
{
    private readonly Lock _gate = new();
    private readonly List<LiveBroadcast> _broadcasts = [];
    private readonly List<(Func<LiveBroadcast, bool> Match, TaskCompletionSource<LiveBroadcast> Found)> _waiters = [];

    internal LiveBroadcastLog()
    {
    }

    /// <summary>A snapshot of the broadcasts recorded so far, oldest first.</summary>
    public IReadOnlyList<LiveBroadcast> Broadcasts
    {
        get
        {
            lock (_gate)
            {
                return [.. _broadcasts];
            }
        }
    }

    /// <summary>The broadcasts of one kind recorded so far, oldest first.</summary>
    /// <param name="kind">The kind of target.</param>
    /// <returns>A snapshot.</returns>
    public IReadOnlyList<LiveBroadcast> OfKind(LiveBroadcastKind kind) => [.. Broadcasts.Where(b => b.Kind == kind)];

    /// <summary>Forgets the broadcasts recorded so far, so that a test can look only at those that follow.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _broadcasts.Clear();
        }
    }

    /// <summary>
    /// Waits until a broadcast that matches <paramref name="match"/> has been delivered (one recorded already counts),
    /// for broadcasts sent by something the test does not await, such as a click or a background job.
    /// </summary>
    /// <param name="match">Chooses the broadcast.</param>
    /// <param name="timeout">How long to wait; default five seconds.</param>
    /// <returns>The first matching broadcast.</returns>
    /// <exception cref="TimeoutException">No matching broadcast was delivered in time.</exception>
    public async Task<LiveBroadcast> WaitForAsync(Func<LiveBroadcast, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        TaskCompletionSource<LiveBroadcast> found;
        lock (_gate)
        {
            foreach (var broadcast in _broadcasts)
            {
                if (match(broadcast))
                {
                    return broadcast;
                }
            }

            found = new TaskCompletionSource<LiveBroadcast>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(5);
        try
        {
            return await found.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }

            throw new TimeoutException($"No matching broadcast was delivered within {limit}. Recorded: {string.Join("; ", Broadcasts)}");
        }
    }

    internal void Add(LiveBroadcast broadcast)
    {
        List<TaskCompletionSource<LiveBroadcast>>? matched = null;
        lock (_gate)
        {
            _broadcasts.Add(broadcast);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(broadcast))
                {
                    (matched ??= []).Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in matched ?? [])
        {
            waiter.TrySetResult(broadcast);
        }
    }
}
