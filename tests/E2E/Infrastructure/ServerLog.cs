using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.E2E.Tests.Infrastructure;

/// <summary>Keeps the server's recent log lines in memory so a failed test can save those it caused.</summary>
public sealed class ServerLog : ILoggerProvider
{
    private const int Capacity = 20_000;
    private readonly ConcurrentQueue<(long Sequence, string Line)> _lines = new();
    private long _sequence;

    /// <summary>A position in the log; <see cref="Since"/> returns what came after it.</summary>
    public long Mark() => Interlocked.Read(ref _sequence);

    public IEnumerable<string> Since(long mark) => _lines.Where(l => l.Sequence > mark).Select(l => l.Line);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        _lines.Enqueue((Interlocked.Increment(ref _sequence), line));
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ServerLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var time = DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var line = $"{time} {logLevel,-11} {category}: {formatter(state, exception)}";
            owner.Write(exception is null ? line : line + Environment.NewLine + exception);
        }
    }
}
