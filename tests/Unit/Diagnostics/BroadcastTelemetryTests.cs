using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace LiveState.Blazor.Tests.Diagnostics;

public sealed class BroadcastTelemetryTests : IDisposable
{
    private const string BrowserId = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

    // A hung circuit must time out within the test; how long it takes is not asserted.
    private readonly LiveTestServer _server = new(options => options.DeliveryTimeout = TimeSpan.FromMilliseconds(300));

    public BroadcastTelemetryTests()
    {
        Register("alice-1", new LiveIdentity("user:alice", "alice"));
        Register("alice-2", new LiveIdentity("user:alice", "alice"));
        Register("bob", new LiveIdentity("user:bob", "bob"));
        Register("anon", new LiveIdentity(LiveIdentity.BrowserGroup(BrowserId)));
    }

    public void Dispose() => _server.Dispose();

    private FakeRenderTarget Register(string circuitId, LiveIdentity identity, RenderBehaviour behaviour = RenderBehaviour.Render)
    {
        var target = new FakeRenderTarget(behaviour);
        _server.Registry.Register(circuitId, identity).AddTarget(target);
        return target;
    }

    private MetricCollector<T> Collect<T>(string instrument) where T : struct =>
        new(_server.Services.GetRequiredService<IMeterFactory>(), LiveStateMetrics.MeterName, instrument);

    private static long SumFor<T>(MetricCollector<T> collector, string tag, string value) where T : struct =>
        collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => Convert.ToInt64(m.Value, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task EveryTargetKindIsCountedWithItsTagAndItsExactReach()
    {
        using var broadcasts = Collect<long>("livestate.broadcasts");
        using var reached = Collect<long>("livestate.broadcast.circuits_reached");

        Assert.Equal(4, await _server.Broadcaster.BroadcastToAllAsync());
        Assert.Equal(1, await _server.Broadcaster.BroadcastAsync(c => c.UserId == "bob"));
        Assert.Equal(3, await _server.Broadcaster.BroadcastToUsersAsync(["alice", "bob"]));
        Assert.Equal(2, await _server.Broadcaster.BroadcastToGroupAsync("user:alice"));
        Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("anon"));
        Assert.Equal(0, await _server.Broadcaster.BroadcastToCircuitAsync("no-such-circuit"));

        const string target = "livestate.broadcast.target";
        Assert.Equal(6, broadcasts.GetMeasurementSnapshot().Count);
        Assert.All(broadcasts.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
        Assert.Equal(1, SumFor(broadcasts, target, "all"));
        Assert.Equal(1, SumFor(broadcasts, target, "filter"));
        Assert.Equal(1, SumFor(broadcasts, target, "users"));
        Assert.Equal(1, SumFor(broadcasts, target, "group"));
        Assert.Equal(2, SumFor(broadcasts, target, "circuit"));

        Assert.Equal(4, SumFor(reached, target, "all"));
        Assert.Equal(1, SumFor(reached, target, "filter"));
        Assert.Equal(3, SumFor(reached, target, "users"));
        Assert.Equal(2, SumFor(reached, target, "group"));
        Assert.Equal(1, SumFor(reached, target, "circuit"));
        Assert.Equal(11, reached.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task AThrowingADisposedAndAHungCircuitAreCountedAsFailuresByErrorType()
    {
        using var failures = Collect<long>("livestate.broadcast.delivery_failures");
        using var reached = Collect<long>("livestate.broadcast.circuits_reached");
        using var duration = Collect<double>("livestate.broadcast.duration");
        Register("throws", new LiveIdentity("user:alice", "alice"), RenderBehaviour.ThrowSynchronously);
        Register("faults", new LiveIdentity("user:alice", "alice"), RenderBehaviour.Fault);
        Register("disposed", new LiveIdentity("user:alice", "alice"), RenderBehaviour.Disposed);
        Register("hung", new LiveIdentity("user:alice", "alice"), RenderBehaviour.Hang);

        Assert.Equal(2, await _server.Broadcaster.BroadcastToGroupAsync("user:alice"));

        Assert.Equal(2, reached.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(4, failures.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, SumFor(failures, "error.type", typeof(InvalidOperationException).FullName!));
        Assert.Equal(1, SumFor(failures, "error.type", "disposed"));
        Assert.Equal(1, SumFor(failures, "error.type", "timeout"));
        Assert.Equal(4, SumFor(failures, "livestate.broadcast.target", "group"));

        // Once per broadcast, however many circuits failed.
        var measured = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.True(measured.Value >= 0);
        Assert.Equal("group", measured.Tags["livestate.broadcast.target"]);
    }

    [Fact]
    public async Task DurationIsRecordedOncePerBroadcast()
    {
        using var duration = Collect<double>("livestate.broadcast.duration");

        await _server.Broadcaster.BroadcastToAllAsync();
        await _server.Broadcaster.BroadcastToGroupAsync("user:alice");
        await _server.Broadcaster.BroadcastToGroupAsync("user:nobody");

        var measurements = duration.GetMeasurementSnapshot();
        Assert.Equal(3, measurements.Count);
        Assert.All(measurements, m => Assert.True(m.Value >= 0));
        Assert.Equal(["all", "group", "group"], measurements.Select(m => (string)m.Tags["livestate.broadcast.target"]!));
    }

    [Fact]
    public async Task ABroadcastIsASpanWithTargetReachAndFailuresAndItsGroup()
    {
        // The source is process-wide and other tests broadcast in parallel: keep only spans under this test's parent.
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LiveStateActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        Register("anon-hung", new LiveIdentity(LiveIdentity.BrowserGroup(BrowserId)), RenderBehaviour.Hang);
        using var parent = new Activity("test").Start();

        Assert.Equal(1, await _server.Broadcaster.BroadcastToGroupAsync(LiveIdentity.BrowserGroup(BrowserId)));
        Assert.Same(parent, Activity.Current);
        Assert.Equal(3, await _server.Broadcaster.BroadcastToUsersAsync(["alice", "bob"]));
        Assert.Same(parent, Activity.Current);

        var mine = spans.Where(s => s.TraceId == parent.TraceId && s.OperationName == "LiveState.Blazor.Broadcast").ToList();
        Assert.Equal(2, mine.Count);
        var group = Assert.Single(mine, s => (string?)s.GetTagItem("livestate.broadcast.target") == "group");
        Assert.Equal("Broadcast group", group.DisplayName);
        Assert.Equal(parent.SpanId, group.ParentSpanId);
        Assert.Equal(1, group.GetTagItem("livestate.broadcast.circuits_reached"));
        Assert.Equal(1, group.GetTagItem("livestate.broadcast.delivery_failures"));
        var groupTag = (string)group.GetTagItem("livestate.group.id")!;
        Assert.Equal(LiveIdentity.BrowserGroup(BrowserId), groupTag);
        Assert.DoesNotContain(BrowserId, groupTag, StringComparison.Ordinal);

        var users = Assert.Single(mine, s => (string?)s.GetTagItem("livestate.broadcast.target") == "users");
        Assert.Equal("Broadcast users", users.DisplayName);
        Assert.Equal(3, users.GetTagItem("livestate.broadcast.circuits_reached"));
        Assert.Equal(0, users.GetTagItem("livestate.broadcast.delivery_failures"));
        Assert.Null(users.GetTagItem("livestate.group.id"));
        Assert.Null(users.GetTagItem("aspnetcore.components.circuit.id"));

        // No tag of any broadcast span carries a whole browser id.
        Assert.All(mine.SelectMany(s => s.TagObjects), tag => Assert.DoesNotContain(BrowserId, tag.Value?.ToString() ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABroadcastToOneCircuitCarriesItsIdUnderAspNetCoresCircuitTag()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LiveStateActivity.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = new Activity("test").Start();

        Assert.Equal(1, await _server.Broadcaster.BroadcastToCircuitAsync("bob"));
        Assert.Equal(0, await _server.Broadcaster.BroadcastToCircuitAsync("gone"));

        // The tag Blazor puts on its circuit spans (Microsoft.AspNetCore.Components.Server.Circuits), so the two join.
        var mine = spans.Where(s => s.TraceId == parent.TraceId && s.OperationName == "LiveState.Blazor.Broadcast").ToList();
        Assert.Equal(2, mine.Count);
        Assert.All(mine, s => Assert.Equal("Broadcast circuit", s.DisplayName));
        Assert.Equal(["bob", "gone"], mine.Select(s => (string)s.GetTagItem("aspnetcore.components.circuit.id")!).Order(StringComparer.Ordinal));
        Assert.Equal(1, Assert.Single(mine, s => (string?)s.GetTagItem("aspnetcore.components.circuit.id") == "bob").GetTagItem("livestate.broadcast.circuits_reached"));
    }

    [Fact]
    public async Task ACancelledBroadcastIsCountedWithItsErrorType()
    {
        using var broadcasts = Collect<long>("livestate.broadcasts");
        Register("hung-q", new LiveIdentity("user:q", "q"), RenderBehaviour.Hang);
        using var cts = new CancellationTokenSource();
        var broadcast = _server.Broadcaster.BroadcastToGroupAsync("user:q", cancellationToken: cts.Token).AsTask();

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => broadcast.WaitAsync(Wait.Deadline));
        var measured = Assert.Single(broadcasts.GetMeasurementSnapshot());
        Assert.Equal("group", measured.Tags["livestate.broadcast.target"]);
        Assert.EndsWith("CanceledException", (string)measured.Tags["error.type"]!, StringComparison.Ordinal);
    }
}
