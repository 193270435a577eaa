using LiveState.Blazor.Backends;
using LiveState.Blazor.Diagnostics;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LiveState.Blazor.Tests.Diagnostics;

/// <summary>Observers are told of every delivery to this server's circuits once it completed: broadcasts, slot changes, presence changes.</summary>
public sealed class ObserverTests : IDisposable
{
    private readonly Recorder _recorder = new();
    private readonly LiveTestServer _server;

    public ObserverTests() => _server = new LiveTestServer(
        options => options.PresenceUpdateInterval = TimeSpan.Zero,
        services => services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveStateObserver>(_recorder)));

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task EveryKindOfDeliveryIsToldOnceWithWhatItReached()
    {
        var laptop = _server.Open<LiveProbe>(new LiveIdentity("user:alice", "alice"));
        _server.Open<LiveProbe>(new LiveIdentity("user:alice", "alice"));
        _recorder.Clear();

        await laptop.State.MutateAsync<Counter>(c => c.Value++);
        await _server.Broadcaster.BroadcastToUsersAsync(["alice", "nobody"], laptop.Id);
        await _server.Services.GetRequiredService<LiveState.Blazor.Broadcasting.IChangeNotifier>().PresenceChangedAsync("user:alice");

        var events = _recorder.Events;
        Assert.Equal(3, events.Count);
        Assert.Equal((LiveRenderCause.SlotChanged, "user:alice", SlotKey<Counter>.Value, 2), (events[0].Cause, events[0].GroupId, events[0].SlotKey, events[0].Reached));
        Assert.Equal((LiveRenderCause.Broadcast, LiveTargetKind.Users, laptop.Id, 1), (events[1].Cause, events[1].Target, events[1].ExceptCircuitId, events[1].Reached));
        Assert.Equal(["alice", "nobody"], events[1].Ids);
        Assert.Equal((LiveRenderCause.PresenceChanged, "user:alice", 2), (events[2].Cause, events[2].GroupId, events[2].Reached));
        Assert.All(events, e => Assert.True(e.Duration >= TimeSpan.Zero));
    }

    [Fact]
    public async Task AFailingObserverChangesNothingForTheDeliveryOrTheOthers()
    {
        using var server = new LiveTestServer(services: services =>
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveStateObserver, Throwing>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveStateObserver>(_recorder));
        });
        var tab = server.Open<LiveProbe>(new LiveIdentity("user:bob", "bob"));

        Assert.Equal(1, await server.Broadcaster.BroadcastToGroupAsync("user:bob"));
        Assert.Contains(_recorder.Events, e => e.Cause == LiveRenderCause.Broadcast && e.GroupId == "user:bob");
        Assert.True(tab.Component.Instance.Renders > 1);
    }

    [Fact]
    public async Task ABroadcastsDurationIncludesTheRendersTheCallerRanItself()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var server = new LiveTestServer(services: services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ILiveStateObserver>(_recorder));
        });

        // An idle circuit renders inline, on the broadcasting thread, before the broadcast's task is returned; its render
        // takes 40 ms of the host's clock.
        var target = new FakeRenderTarget { OnRender = () => clock.Advance(TimeSpan.FromMilliseconds(40)) };
        server.Registry.Register("slow", new LiveIdentity("user:carol", "carol")).AddTarget(target);

        Assert.Equal(1, await server.Broadcaster.BroadcastToGroupAsync("user:carol"));

        var broadcast = Assert.Single(_recorder.Events, e => e.Cause == LiveRenderCause.Broadcast);
        Assert.Equal(1, target.Renders);
        Assert.True(broadcast.Duration >= TimeSpan.FromMilliseconds(40), $"the broadcast took {broadcast.Duration.TotalMilliseconds} ms of the host's clock, its render 40");
    }

    private sealed class Recorder : ILiveStateObserver
    {
        private readonly List<LiveRenderEvent> _events = [];

        public List<LiveRenderEvent> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Clear()
        {
            lock (_events)
            {
                _events.Clear();
            }
        }

        public void OnRendered(LiveRenderEvent delivery)
        {
            lock (_events)
            {
                _events.Add(delivery);
            }
        }
    }

    private sealed class Throwing : ILiveStateObserver
    {
        public void OnRendered(LiveRenderEvent delivery) => throw new InvalidOperationException("observer exploded");
    }
}
