using LiveState.Blazor.State;
using LiveState.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace LiveState.Blazor.Tests.State;

public sealed class EvictionTests : IDisposable
{
    // Its timers fire only when the test advances it: the cleaner's scan interval runs on it too.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LiveTestServer _server;

    public EvictionTests()
    {
        _server = new LiveTestServer(
            o =>
            {
                o.IdleGroupTimeout = TimeSpan.FromHours(1);
                o.IdleGroupScanInterval = TimeSpan.FromMinutes(1);
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
    public async Task TheRunningCleanerEvictsOnItsScanIntervalAsTheClockAdvancesAndSparesTheYoungAndTheOnScreen()
    {
        var onScreen = _server.Open<GroupProbe>(new LiveIdentity("browser:on-screen"));
        await onScreen.State.MutateAsync<Counter>(c => c.Value = 1);
        await _server.States.MutateAsync<Counter>("old", c => c.Value = 1);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await _server.States.MutateAsync<Counter>("young", c => c.Value = 1);
        await Cleaner.StartAsync(CancellationToken.None);
        try
        {
            // The scans of the next half hour find nothing idle for an hour; the one after it does. Nothing is read
            // by the test meanwhile (a read keeps a group alive): the store is listed instead.
            _clock.Advance(TimeSpan.FromMinutes(30));
            _clock.Advance(TimeSpan.FromMinutes(1));

            // A scan runs the whole store in one pass, so once "old" is gone the others were judged by the same scan.
            await Wait.UntilAsync(async () => !(await GroupsAsync()).Contains("old"), "a scan after the timeout evicted the old group");
            Assert.Equal(["browser:on-screen", "young"], await GroupsAsync());

            // Half an hour on, "young" has idled out too; the group on screen never does.
            _clock.Advance(TimeSpan.FromMinutes(30));
            await Wait.UntilAsync(async () => !(await GroupsAsync()).Contains("young"), "the young group idled out in its turn");
            Assert.Equal(["browser:on-screen"], await GroupsAsync());
            Assert.Equal(1, onScreen.State.Get<Counter>().Value);
        }
        finally
        {
            await Cleaner.StopAsync(CancellationToken.None).WaitAsync(Wait.Deadline);
        }
    }

    private async Task<List<string>> GroupsAsync()
    {
        var groups = new List<string>();
        await foreach (var group in _server.Store.ListGroupsAsync())
        {
            groups.Add(group);
        }

        groups.Sort(StringComparer.Ordinal);
        return groups;
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
