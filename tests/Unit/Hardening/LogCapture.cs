using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LiveState.Blazor.Tests.Hardening;

/// <summary>Every log line of every category at every level, with its exception, kept in memory for a test to scan.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    /// <param name="Values">The structured values, rendered as text when the line was written (some refer to a request that ends).</param>
    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyList<KeyValuePair<string, object?>> State, string Values)
    {
        /// <summary>The message, the structured values and the whole exception chain (messages and stack traces), as a sink could write them.</summary>
        public string Everything() => string.Join("\n", Message, Values, Exception?.ToString() ?? string.Empty);

        public override string ToString() => $"{Level} {Category}[{EventId.Id}]: {(Message.Length > 200 ? Message[..200] + "…" : Message)}";
    }

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Adds the capture to <paramref name="services"/> and lets every level through.</summary>
    public LogCapture AddTo(IServiceCollection services)
    {
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(this));
        return this;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            capture._entries.Enqueue(new Entry(
                category,
                logLevel,
                eventId,
                formatter(state, exception),
                exception,
                values,
                string.Join("\n", values.Select(p => $"{p.Key}={p.Value}"))));
        }
    }
}
