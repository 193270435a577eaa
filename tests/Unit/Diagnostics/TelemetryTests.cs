using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace LiveState.Blazor.Tests.Diagnostics;

public sealed class TelemetryTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    private MetricCollector<T> Collect<T>(string instrument) where T : struct =>
        new(_server.Services.GetRequiredService<IMeterFactory>(), LiveStateMetrics.MeterName, instrument);

    [Fact]
    public void ActiveCircuitsRiseAndFall()
    {
        using var active = Collect<long>("livestate.circuit.active");

        var tab = _server.Open<GroupProbe>(new LiveIdentity("browser:m"));
        Assert.Equal("{circuit}", active.Instrument!.Unit);
        Assert.Equal(1, active.GetMeasurementSnapshot().EvaluateAsCounter());
        tab.Close();

        Assert.Equal(0, active.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal([1L, -1L], active.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public void ActiveGroupsCountGroupsWithCircuits()
    {
        using var groups = Collect<long>("livestate.group.active");
        _server.Open<GroupProbe>(new LiveIdentity("browser:m"));
        _server.Open<GroupProbe>(new LiveIdentity("browser:m"));
        _server.Open<GroupProbe>(new LiveIdentity("user:n", "n"));

        groups.RecordObservableInstruments();

        Assert.Equal(2, groups.LastMeasurement!.Value);
    }

    [Fact]
    public async Task UpdatesAreCountedAndTimedWithErrorsTagged()
    {
        using var updates = Collect<long>("livestate.state.updates");
        using var duration = Collect<double>("livestate.state.update.duration");

        await _server.States.MutateAsync<Counter>("g", c => c.Value++);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _server.States.MutateAsync<Counter>("g", (Action<Counter>)(_ => throw new InvalidOperationException("no"))));

        var measurements = updates.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.False(measurements[0].Tags.ContainsKey("error.type"));
        Assert.Equal(typeof(InvalidOperationException).FullName, measurements[1].Tags["error.type"]);
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public async Task AnUpdateIsASpanThatNeverCarriesAWholeBrowserId()
    {
        var browserId = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
        // The source is process-wide and other tests update state in parallel: keep only this test's spans.
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LiveStateActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await _server.States.MutateAsync<Counter>(LiveIdentity.BrowserGroup(browserId), c => c.Value++);

        var span = Assert.Single(spans, s => s.OperationName == "LiveState.Blazor.Update" && (string?)s.GetTagItem("livestate.group.id") == LiveIdentity.BrowserGroup(browserId));
        Assert.Equal("Update " + typeof(Counter).FullName, span.DisplayName);
        Assert.Equal(typeof(Counter).FullName, span.GetTagItem("livestate.slot.key"));
        Assert.Equal(1L, span.GetTagItem("livestate.slot.version"));
        Assert.DoesNotContain(browserId, (string)span.GetTagItem("livestate.group.id")!, StringComparison.Ordinal);

        // Made outside any circuit (a job, an endpoint): no circuit id.
        Assert.Null(span.GetTagItem("aspnetcore.components.circuit.id"));
    }

    [Fact]
    public async Task AnUpdateMadeInACircuitCarriesTheCircuitIdUnderAspNetCoresTag()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LiveStateActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var tab = _server.Open<GroupProbe>(new LiveIdentity("browser:span-circuit"), circuitId: "circuit-span-1");

        // As a click handler does: on the circuit's dispatcher, under the span Blazor starts for the event.
        using (var handleEvent = new Activity("Microsoft.AspNetCore.Components.HandleEvent").Start())
        {
            await tab.Bunit.Renderer.Dispatcher.InvokeAsync(() => tab.State.MutateAsync<Counter>(c => c.Value++));
        }

        var span = Assert.Single(spans, s => s.OperationName == "LiveState.Blazor.Update" && (string?)s.GetTagItem("livestate.group.id") == "browser:span-circuit");
        Assert.Equal("circuit-span-1", span.GetTagItem("aspnetcore.components.circuit.id"));
        Assert.NotEqual(default, span.ParentSpanId);
    }

    [Fact]
    public async Task AFailedUpdateIsASpanWithAnErrorStatusAndItsErrorType()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LiveStateActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await _server.States.MutateAsync<Counter>("failing-span", (Action<Counter>)(_ => throw new InvalidOperationException("no"))));

        var span = Assert.Single(spans, s => s.OperationName == "LiveState.Blazor.Update" && (string?)s.GetTagItem("livestate.group.id") == "failing-span");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
    }
}
