using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using LiveState.Blazor.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs;

/// <summary>docs/observability.md names exactly the instruments, spans and tags LiveState publishes.</summary>
public sealed partial class ObservabilityDocTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(DocumentationTests.RepositoryRoot, "docs", "observability.md"));

    [Fact]
    public async Task The_metrics_table_lists_every_instrument_of_the_meter_and_nothing_else()
    {
        var core = Published("LiveState.Blazor");
        using (core.Listener)
        {
            await using (var services = NewServices())
            {
                // Instruments are created with the first service that records any.
                await services.GetRequiredService<ISessionGroupStateService>().MutateAsync<Snippets.Clicks>("group:docs", c => c.Count++);
                await services.GetRequiredService<ILiveBroadcaster>().BroadcastToAllAsync();
            }
        }

        AssertDocumented(MeterSection("LiveState.Blazor"), core.Names);
    }

    [Fact]
    public async Task The_redis_metrics_table_lists_every_instrument_of_the_redis_meter_and_nothing_else()
    {
        var redis = Published("LiveState.Blazor.Redis");
        using (redis.Listener)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMetrics();
            services.AddLiveState().AddRedis("127.0.0.1:1");
            await using var provider = services.BuildServiceProvider();

            // The store creates the backend's instruments (nothing connects here).
            _ = provider.GetRequiredService<ISessionGroupStore>();
        }

        AssertDocumented(MeterSection("LiveState.Blazor.Redis"), redis.Names);
    }

    private static (MeterListener Listener, HashSet<string> Names) Published(string meter)
    {
        var published = new HashSet<string>(StringComparer.Ordinal);
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == meter)
                {
                    lock (published)
                    {
                        published.Add(instrument.Name);
                    }
                }
            },
        };
        listener.Start();
        return (listener, published);
    }

    private static void AssertDocumented(string section, HashSet<string> published)
    {
        var documented = MetricRow().Matches(section).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(documented);
        lock (published)
        {
            Assert.Equal(published.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        }
    }

    // The table that follows the sentence naming the meter, up to the next table's meter or heading.
    private static string MeterSection(string meter)
    {
        var metrics = Document[Document.IndexOf("## Metrics", StringComparison.Ordinal)..];
        metrics = metrics[..metrics.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var start = metrics.IndexOf($"eter `{meter}`", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/observability.md names no meter `{meter}`");
        var next = metrics.IndexOf("eter `", start + 6, StringComparison.Ordinal);
        return next < 0 ? metrics[start..] : metrics[start..next];
    }

    [Fact]
    public async Task The_traces_table_lists_the_spans_and_tags_LiveState_records()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "LiveState.Blazor",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using (var services = NewServices())
        {
            await services.GetRequiredService<ISessionGroupStateService>().MutateAsync<Snippets.Clicks>("team:docs", c => c.Count++);
            await services.GetRequiredService<ILiveBroadcaster>().BroadcastToGroupAsync("team:docs");
            await services.GetRequiredService<ILiveBroadcaster>().BroadcastToCircuitAsync("circuit-docs");
            await UpdateInACircuitAsync(services);
        }

        var rows = SpanRows().ToList();
        Assert.NotEmpty(rows);
        lock (spans)
        {
            // Every span LiveState recorded has a row: a new span without one fails here.
            var recordedNames = spans.Select(s => s.OperationName).ToHashSet(StringComparer.Ordinal);
            Assert.NotEmpty(recordedNames);
            var undocumented = recordedNames.Except(rows.Select(r => r.Name), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            Assert.True(undocumented.Count == 0, $"Spans recorded but not in docs/observability.md: {string.Join(", ", undocumented)}");

            // Every row names a span that was recorded, with its display name and exactly the tags it carries.
            foreach (var (name, display, tags) in rows)
            {
                var recorded = spans.Where(s => s.OperationName == name).ToList();
                Assert.All(recorded, s => Assert.Matches(display, s.DisplayName));
                Assert.True(recorded.Count > 0, $"No span '{name}' was recorded; recorded: {string.Join(", ", recordedNames)}");
                var seen = recorded.SelectMany(s => s.TagObjects.Select(t => t.Key)).ToHashSet(StringComparer.Ordinal);
                foreach (var tag in tags.Where(t => t != "error.type"))
                {
                    Assert.True(seen.Contains(tag), $"Span '{name}' never carried the documented tag '{tag}'; it carried: {string.Join(", ", seen)}");
                }

                Assert.All(seen, tag => Assert.Contains(tag, tags));
            }
        }
    }

    private static ServiceProvider NewServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddLiveState();
        return services.BuildServiceProvider();
    }

    /// <summary>An update made as a component's event handler makes it: on the circuit's dispatcher (here a synchronization context of its own that the circuit noted).</summary>
    private static async Task UpdateInACircuitAsync(ServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var circuit = SimulatedCircuit.Create(scope.ServiceProvider);
        await circuit.OpenAsync("circuit-docs-update");
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
        Task update;
        try
        {
            _ = circuit.State.GroupId;
            update = circuit.State.MutateAsync<Snippets.Clicks>(c => c.Count++);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        await update;
        await circuit.CloseAsync();
    }

    /// <summary>The rows of the traces table: the operation name, its display name as a pattern (<c>{slot key}</c> stands for any text), the tags.</summary>
    private static IEnumerable<(string Name, string Display, List<string> Tags)> SpanRows() =>
        SpanRow().Matches(Document).Select(m => (
            m.Groups["name"].Value,
            "^" + string.Join(".+", Placeholder().Split(m.Groups["display"].Value).Select(Regex.Escape)) + "$",
            TagName().Matches(m.Groups["tags"].Value).Select(t => t.Groups[1].Value).ToList()));

    [GeneratedRegex(@"^\| `(?<name>livestate\.[a-z_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex MetricRow();

    [GeneratedRegex(@"^\| `(?<name>LiveState\.Blazor\.[A-Za-z]+)` \| `(?<display>[^`]+)` \| [^|]+ \| (?<tags>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex SpanRow();

    [GeneratedRegex(@"\{[a-z ]+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"`((?:livestate|error|aspnetcore)\.[a-z_.]+)`")]
    private static partial Regex TagName();
}
