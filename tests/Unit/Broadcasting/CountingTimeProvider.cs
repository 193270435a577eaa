using Microsoft.Extensions.Time.Testing;

namespace LiveState.Blazor.Tests.Broadcasting;

/// <summary>A clock the test moves by hand (<see cref="FakeTimeProvider"/>) that counts the timers created through it and those still alive.</summary>
internal sealed class CountingTimeProvider : FakeTimeProvider
{
    private int _created;
    private int _disposed;

    /// <summary>Timers created so far.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Timers created and not disposed.</summary>
    public int Alive => Created - Volatile.Read(ref _disposed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _created);
        return new CountedTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    private sealed class CountedTimer(ITimer inner, CountingTimeProvider owner) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Increment(ref owner._disposed);
            }

            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
