using LiveState.Blazor.State;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiveState.Blazor.Tests.State;

public sealed class EvictionTests : IDisposable
{
    private readonly ManualTimeProvider _clock = new();
    private readonly LiveTestServer _server;

    public EvictionTests()
    {
        _server = new LiveTestServer(
            o =>
            {
                o.IdleGroupTimeout = TimeSpan.FromHours(1);
                o.MaxGroups = 200;
            },
            s => s.AddSingleton<TimeProvider>(_clock));
    }

    public void Dispose() => _server.Dispose();

    private IdleGroupCleaner Cleaner => _server.Services.GetServices<IHostedService>().OfType<IdleGroupCleaner>().Single();

    [Fact]
    public async Task IdleGroupWithoutCircuitsIsEvictedAfterTheTimeout()
    {
        await _server.States.MutateAsync<Counter>("idle", c => c.Value = 1);
        _clock.Advance(TimeSpan.FromMinutes(59));

        Assert.Equal(0, Cleaner.SweepOnce(_server.MemoryStore));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, Cleaner.SweepOnce(_server.MemoryStore));

        Assert.Equal(0, _server.States.Get<Counter>("idle").Value);
        Assert.Equal(0, _server.MemoryStore.Count);
    }

    [Fact]
    public async Task ReadingAGroupKeepsItAlive()
    {
        await _server.States.MutateAsync<Counter>("read", c => c.Value = 1);
        _clock.Advance(TimeSpan.FromMinutes(50));
        _ = _server.States.Get<Counter>("read");
        _clock.Advance(TimeSpan.FromMinutes(50));

        Assert.Equal(0, Cleaner.SweepOnce(_server.MemoryStore));
        Assert.Equal(1, _server.States.Get<Counter>("read").Value);
    }

    [Fact]
    public async Task GroupWithACircuitIsNeverEvicted()
    {
        var tab = _server.Open<GroupProbe>(new LiveIdentity("browser:open"));
        await tab.State.MutateAsync<Counter>(c => c.Value = 3);
        _clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(0, Cleaner.SweepOnce(_server.MemoryStore));
        Assert.Equal(3, tab.State.Get<Counter>().Value);

        // The read above touched the group; once closed, it idles out like any other.
        tab.Close();
        Assert.Equal(0, Cleaner.SweepOnce(_server.MemoryStore));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, Cleaner.SweepOnce(_server.MemoryStore));
    }

    [Fact]
    public async Task PastTheCapTheOldestIdleGroupsGoFirst()
    {
        var live = _server.Open<GroupProbe>(new LiveIdentity("browser:live"));
        await live.State.MutateAsync<Counter>(c => c.Value = 1);
        for (var i = 0; i < 199; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _server.States.MutateAsync<Counter>($"g{i:D3}", c => c.Value = 1);
        }

        Assert.Equal(200, _server.MemoryStore.Count);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _server.States.MutateAsync<Counter>("newest", c => c.Value = 1);

        Assert.True(_server.MemoryStore.Count <= 200);
        Assert.Equal(0, _server.States.Get<Counter>("g000").Value);
        Assert.Equal(1, _server.States.Get<Counter>("g198").Value);
        Assert.Equal(1, _server.States.Get<Counter>("newest").Value);
        Assert.Equal(1, live.State.Get<Counter>().Value);
    }

    [Fact]
    public async Task ManyNewGroupsNeverExceedTheCap()
    {
        for (var i = 0; i < 5_000; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            await _server.States.MutateAsync<Counter>($"flood-{i}", c => c.Value = 1);
            Assert.True(_server.MemoryStore.Count <= 200);
        }

        Assert.Equal(1, _server.States.Get<Counter>("flood-4999").Value);
    }

    [Fact]
    public async Task ReadsCreateNoState()
    {
        for (var i = 0; i < 1_000; i++)
        {
            _ = _server.States.Get<Counter>($"browser:{i}");
            _ = await _server.States.GetAsync<Counter>($"browser:{i}");
        }

        Assert.Equal(0, _server.MemoryStore.Count);
    }

    [Fact]
    public async Task TheCleanerStopsWithTheHost()
    {
        using var cts = new CancellationTokenSource();
        await Cleaner.StartAsync(cts.Token);

        await Cleaner.StopAsync(CancellationToken.None).WaitAsync(Wait.Deadline);

        Assert.True(Cleaner.ExecuteTask!.IsCompleted);
    }
}
