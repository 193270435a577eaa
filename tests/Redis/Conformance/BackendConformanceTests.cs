using LiveState.Blazor.Redis.Tests.Infrastructure;

namespace LiveState.Blazor.Redis.Tests.Conformance;

/// <summary>
/// What every backend of LiveState must do, store and backplane alike. Each backend runs this same class: the
/// in-memory one as its one server, Redis (single and Cluster) as two servers of one app with circuits and updates
/// spread over both. "Each server of the backend" in a name means every server the backend has: one in memory, two
/// on Redis, which <see cref="TheBackendRunsAsManyServersAsItPromises"/> checks.
/// </summary>
public abstract class BackendConformanceTests : IAsyncLifetime
{
    private LiveCluster? _cluster;

    internal LiveCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    internal abstract Task<LiveCluster> StartClusterAsync();

    /// <summary>How many servers this backend's cases run on: the cross-server claims are proven only with two.</summary>
    protected abstract int Servers { get; }

    [Fact]
    public void TheBackendRunsAsManyServersAsItPromises()
    {
        Assert.Equal(Servers, Cluster.Nodes.Count);
        Assert.Equal(Servers, Cluster.Nodes.Distinct().Count());
        if (Servers > 1)
        {
            // Separate hosts, each with a registry of its own, sharing one Redis.
            Assert.Equal(Servers, Cluster.Nodes.Select(n => n.LocalRegistry).Distinct().Count());
            Assert.All(Cluster.Nodes, n => Assert.True(n.IsRedis));
        }
    }

    public async Task InitializeAsync() => _cluster = await StartClusterAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    // ---- store ----

    [Fact]
    public async Task AMissingSlotReadsAsNullAndItsDefault()
    {
        var group = NewGroup();
        Assert.Null(await Cluster.First.Store.GetAsync<Counter>(group, "test.counter"));
        Assert.Equal(0, (await Cluster.Last.States.GetAsync<Counter>(group)).Value);
    }

    [Fact]
    public async Task EveryUpdateRaisesTheVersionByOneAndEachServerOfTheBackendReadsIt()
    {
        var group = NewGroup();
        var versions = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var slot = await Cluster.NodeFor(i).Store.UpdateAsync<Counter>(group, "test.counter", c => new Counter { Value = (c?.Value ?? 0) + 1 });
            versions.Add(slot.Version);
        }

        Assert.Equal([1L, 2L, 3L], versions);
        foreach (var node in Cluster.Nodes)
        {
            var read = await node.Store.GetAsync<Counter>(group, "test.counter");
            Assert.Equal(3, read!.Value.Value);
            Assert.Equal(3, read.Version);
        }
    }

    [Fact]
    public async Task ConcurrentUpdatesFromEachServerOfTheBackendLoseNothing()
    {
        const int TasksPerServer = 4;
        const int UpdatesPerTask = 150;
        var group = NewGroup();
        var tasks = new List<Task>();
        foreach (var node in Cluster.Nodes)
        {
            for (var t = 0; t < TasksPerServer; t++)
            {
                tasks.Add(Task.Run(async () =>
                {
                    for (var i = 0; i < UpdatesPerTask; i++)
                    {
                        await node.States.MutateAsync<Counter>(group, c => c.Value++);
                    }
                }));
            }
        }

        await Task.WhenAll(tasks);
        var expected = Cluster.Nodes.Count * TasksPerServer * UpdatesPerTask;
        var slot = await Cluster.Last.Store.GetAsync<Counter>(group, "test.counter");
        Assert.Equal(expected, slot!.Value.Value);
        Assert.Equal(expected, slot.Version);
    }

    [Fact]
    public async Task AnImmutableRecordIsUpdatedWithAFunction()
    {
        var group = NewGroup();
        await Cluster.First.States.ReplaceAsync<Score>(group, s => s with { Points = s.Points + 5, Leader = "ada" });
        var score = await Cluster.Last.States.ReplaceAsync<Score>(group, s => s with { Points = s.Points * 2 });
        Assert.Equal(new Score(10, "ada"), score);
        Assert.Equal(new Score(10, "ada"), await Cluster.First.States.GetAsync<Score>(group));
    }

    [Fact]
    public async Task NestedMutableStateRoundTripsIntact()
    {
        var group = NewGroup();
        await Cluster.First.States.MutateAsync<TodoList>(group, list =>
        {
            list.Title = "Wochenmarkt — ünïcødé ✓";
            list.Items.Add(new TodoItem { Text = "milk", Tags = { ["where"] = ["shop", "market"] } });
            list.Items.Add(new TodoItem { Text = "eggs", Done = true });
        });

        var read = await Cluster.Last.States.GetAsync<TodoList>(group);
        Assert.Equal("Wochenmarkt — ünïcødé ✓", read.Title);
        Assert.Equal(["milk", "eggs"], read.Items.Select(i => i.Text));
        Assert.True(read.Items[1].Done);
        Assert.Equal(["shop", "market"], read.Items[0].Tags["where"]);
    }

    [Fact]
    public async Task SlotsAndGroupsAreIndependent()
    {
        var a = NewGroup();
        var b = NewGroup();
        await Cluster.First.States.MutateAsync<Counter>(a, c => c.Value = 7);
        await Cluster.Last.States.MutateAsync<TodoList>(a, l => l.Title = "a's list");
        await Cluster.First.States.MutateAsync<Counter>(b, c => c.Value = 1);

        Assert.Equal(7, (await Cluster.Last.States.GetAsync<Counter>(a)).Value);
        Assert.Equal("a's list", (await Cluster.First.States.GetAsync<TodoList>(a)).Title);
        Assert.Equal(1, (await Cluster.Last.States.GetAsync<Counter>(b)).Value);
        Assert.Equal(string.Empty, (await Cluster.Last.States.GetAsync<TodoList>(b)).Title);
    }

    [Fact]
    public async Task DeleteRemovesEverySlotOfThatGroupOnly()
    {
        var doomed = NewGroup();
        var kept = NewGroup();
        await Cluster.First.States.MutateAsync<Counter>(doomed, c => c.Value = 3);
        await Cluster.First.States.MutateAsync<TodoList>(doomed, l => l.Title = "gone soon");
        await Cluster.First.States.MutateAsync<Counter>(kept, c => c.Value = 4);

        Assert.True(await Cluster.Last.States.DeleteAsync(doomed));
        Assert.False(await Cluster.Last.States.DeleteAsync(doomed));

        Assert.Null(await Cluster.First.Store.GetAsync<Counter>(doomed, "test.counter"));
        Assert.Null(await Cluster.First.Store.GetAsync<TodoList>(doomed, "test.todos"));
        Assert.Equal(4, (await Cluster.First.States.GetAsync<Counter>(kept)).Value);

        // A deleted group starts again from version 1.
        var again = await Cluster.First.Store.UpdateAsync<Counter>(doomed, "test.counter", _ => new Counter { Value = 1 });
        Assert.Equal(1, again.Version);
    }

    [Fact]
    public async Task ListGroupsListsTheGroupsThatHoldState()
    {
        var groups = new[] { NewGroup(), NewGroup(), NewGroup() };
        for (var i = 0; i < groups.Length; i++)
        {
            await Cluster.NodeFor(i).States.MutateAsync<Counter>(groups[i], c => c.Value = i);
        }

        await Cluster.First.States.DeleteAsync(groups[2]);
        var listed = new List<string>();
        await foreach (var group in Cluster.Last.States.ListGroupsAsync())
        {
            listed.Add(group);
        }

        Assert.Contains(groups[0], listed);
        Assert.Contains(groups[1], listed);
        Assert.DoesNotContain(groups[2], listed);
    }

    [Fact]
    public async Task AnUpdateCancelledBeforeItRunsIsNotApplied()
    {
        var group = NewGroup();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Cluster.First.States.MutateAsync<Counter>(group, c => c.Value++, cancelled.Token));
        Assert.Null(await Cluster.Last.Store.GetAsync<Counter>(group, "test.counter"));
    }

    [Fact]
    public async Task AnUpdateThatThrowsChangesNothing()
    {
        var group = NewGroup();
        await Cluster.First.States.MutateAsync<Counter>(group, c => c.Value = 1);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Cluster.Last.States.ReplaceAsync<Counter>(group, _ => throw new InvalidOperationException("no")));
        var slot = await Cluster.First.Store.GetAsync<Counter>(group, "test.counter");
        Assert.Equal(1, slot!.Value.Value);
        Assert.Equal(1, slot.Version);
    }

    // ---- backplane ----

    [Fact]
    public async Task AGroupBroadcastReachesTheGroupsCircuitsOnEachServerOfTheBackendAndNoOthers()
    {
        var group = NewGroup();
        var (all, matching) = await OpenAsync(i => i switch
        {
            0 or 1 or 2 => new LiveIdentity(group),
            3 => new LiveIdentity(NewGroup(), memberships: [group]),
            _ => new LiveIdentity(NewGroup()),
        }, circuits: 6, matches: i => i <= 3);

        var reached = await CountedAsync(all, () => Cluster.First.Broadcaster.BroadcastToGroupAsync(group));
        await AssertReachedExactlyAsync(all, matching);
        Assert.Equal(matching.Count, reached);
    }

    [Fact]
    public async Task ExceptSenderLeavesTheSendersCircuitOut()
    {
        var group = NewGroup();
        var (all, _) = await OpenAsync(_ => new LiveIdentity(group), circuits: 4, matches: _ => true);
        var sender = all[^1];
        var matching = all.Where(c => c != sender).ToList();

        var reached = await CountedAsync(all, () => Cluster.First.Broadcaster.BroadcastToGroupAsync(group, sender.Id));
        await AssertReachedExactlyAsync(all, matching);
        Assert.Equal(matching.Count, reached);
    }

    [Fact]
    public async Task AUserBroadcastReachesEveryCircuitOfThoseUsersOnEachServerOfTheBackend()
    {
        var alice = "alice-" + Guid.NewGuid().ToString("N")[..6];
        var bob = "bob-" + Guid.NewGuid().ToString("N")[..6];
        var (all, matching) = await OpenAsync(i => i switch
        {
            0 or 1 or 2 => new LiveIdentity(LiveIdentity.UserGroup(alice), alice),
            3 => new LiveIdentity(LiveIdentity.UserGroup(bob), bob),
            _ => new LiveIdentity(NewGroup()),
        }, circuits: 5, matches: i => i <= 2);

        var reached = await CountedAsync(all, () => Cluster.First.Broadcaster.BroadcastToUsersAsync([alice, alice, "nobody"], all[1].Id));
        matching.Remove(all[1]);
        await AssertReachedExactlyAsync(all, matching);
        Assert.Equal(matching.Count, reached);
    }

    [Fact]
    public async Task ABroadcastToAllReachesEveryCircuitButTheSender()
    {
        var (all, _) = await OpenAsync(_ => new LiveIdentity(NewGroup()), circuits: 5, matches: _ => true);
        var sender = all[2];
        var matching = all.Where(c => c != sender).ToList();

        var reached = await CountedAsync(all, () => Cluster.First.Broadcaster.BroadcastToAllAsync(sender.Id));
        await AssertReachedExactlyAsync(all, matching);
        Assert.Equal(matching.Count, reached);
    }

    [Fact]
    public async Task ACircuitBroadcastReachesThatCircuitWhereverItIs()
    {
        var group = NewGroup();
        var (all, _) = await OpenAsync(_ => new LiveIdentity(group), circuits: 4, matches: _ => false);
        var target = all[^1];

        var reached = await CountedAsync(all, () => Cluster.First.Broadcaster.BroadcastToCircuitAsync(target.Id));
        await AssertReachedExactlyAsync(all, [target]);
        Assert.Equal(1, reached);
        Assert.Equal(0, await Cluster.First.Broadcaster.BroadcastToCircuitAsync("no-such-circuit"));
    }

    [Fact]
    public async Task AFilteredBroadcastDecidesOverTheCircuitsOfEachServerOfTheBackend()
    {
        var tag = "team-" + Guid.NewGuid().ToString("N")[..6];
        var (all, matching) = await OpenAsync(i => new LiveIdentity(NewGroup(), i % 3 == 0 ? null : $"{tag}-{i}"), circuits: 7, matches: i => i % 3 != 0);
        var sender = matching[0];
        matching.Remove(sender);

        var reached = await CountedAsync(all, () => Cluster.First.Broadcaster.BroadcastAsync(c => c.UserId?.StartsWith(tag, StringComparison.Ordinal) == true, sender.Id));
        await AssertReachedExactlyAsync(all, matching);
        Assert.Equal(matching.Count, reached);
    }

    [Fact]
    public async Task AnUpdateOnAnyServerReRendersEveryCircuitOfTheGroupWithTheNewState()
    {
        var group = NewGroup();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, List<int>>();
        var circuits = new List<FakeCircuit>();
        for (var i = 0; i < 4; i++)
        {
            var node = Cluster.NodeFor(i);
            circuits.Add(node.Open(new LiveIdentity(group), onRender: c =>
            {
                // What a component does while rendering: read the group's state, never waiting on the store.
                var value = node.States.Get<Counter>(group).Value;
                var list = seen.GetOrAdd(c.Id, _ => []);
                lock (list)
                {
                    list.Add(value);
                }
            }));
        }

        await Cluster.WaitForPresenceAsync(circuits.Count);
        for (var i = 1; i <= 3; i++)
        {
            await Cluster.NodeFor(i).States.MutateAsync<Counter>(group, c => c.Value = i);
        }

        await Wait.UntilAsync(() => circuits.All(c => Last(seen, c) == 3), "every circuit rendered the last value");
        foreach (var circuit in circuits)
        {
            // Once a circuit has shown state, it never goes back to an older (or empty) snapshot.
            var values = Values(seen, circuit).SkipWhile(v => v == 0).ToList();
            Assert.Equal(values.OrderBy(v => v), values);
        }
    }

    [Fact]
    public async Task PresenceCountsTheCircuitsOfEachServerOfTheBackend()
    {
        var group = NewGroup();
        var user = "ada-" + Guid.NewGuid().ToString("N")[..6];
        var opened = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Cluster.First.Presence.Changed += (_, e) =>
        {
            if (e.Kind == LiveCircuitChangeKind.Opened && e.Circuit.GroupId == group)
            {
                opened.Enqueue(e.Circuit.CircuitId);
            }
        };

        var circuits = new List<FakeCircuit>();
        for (var i = 0; i < 4; i++)
        {
            circuits.Add(Cluster.NodeFor(i).Open(new LiveIdentity(group, i < 2 ? user : null)));
        }

        await Cluster.WaitForPresenceAsync(circuits.Count);
        foreach (var node in Cluster.Nodes)
        {
            var presence = node.Presence;
            Assert.Equal(4, presence.CountGroup(group));
            Assert.Equal(2, presence.CountUser(user));
            Assert.Equal(circuits.Select(c => c.Id).Order(), presence.GetCircuitsOfGroup(group).Select(c => c.CircuitId).Order());
            Assert.Equal(2, presence.GetCircuitsOfUser(user).Count);
            Assert.Contains(user, presence.GetOnlineUsers());
            Assert.Contains(group, presence.GetActiveGroups());
            Assert.Equal(group, presence.Find(circuits[^1].Id)!.GroupId);
        }

        await Wait.UntilAsync(() => opened.Count == 4, "the first server was told of every circuit opening");

        circuits[^1].Close();
        await Cluster.WaitForPresenceAsync(circuits.Count - 1);
        Assert.All(Cluster.Nodes, n => Assert.Equal(3, n.Presence.CountGroup(group)));
    }

    // ---- helpers ----

    private async Task<(List<FakeCircuit> All, List<FakeCircuit> Matching)> OpenAsync(Func<int, LiveIdentity> identity, int circuits, Func<int, bool> matches)
    {
        var all = new List<FakeCircuit>();
        var matching = new List<FakeCircuit>();
        for (var i = 0; i < circuits; i++)
        {
            var circuit = Cluster.NodeFor(i).Open(identity(i));
            all.Add(circuit);
            if (matches(i))
            {
                matching.Add(circuit);
            }
        }

        // Remote counts and filtered broadcasts rely on presence: let it learn of these circuits first.
        await Cluster.WaitForPresenceAsync(Cluster.Nodes.Sum(n => n.LocalRegistry.Count));
        return (all, matching);
    }

    private Dictionary<FakeCircuit, int>? _before;

    private async Task<int> CountedAsync(List<FakeCircuit> all, Func<ValueTask<int>> broadcast)
    {
        _before = all.ToDictionary(c => c, c => c.Renders);
        return await broadcast();
    }

    /// <summary>
    /// Each circuit in <paramref name="matching"/> rendered exactly once for the broadcast, every other exactly
    /// never: proven by waiting for the matching ones, then for a fence broadcast that follows it everywhere.
    /// </summary>
    private async Task AssertReachedExactlyAsync(List<FakeCircuit> all, IReadOnlyCollection<FakeCircuit> matching)
    {
        var before = _before!;
        await Wait.UntilAsync(() => matching.All(c => c.Renders > before[c]), "every matching circuit rendered");
        await Cluster.FenceAsync(all);
        foreach (var circuit in all)
        {
            var expected = before[circuit] + (matching.Contains(circuit) ? 1 : 0) + 1;
            Assert.True(expected == circuit.Renders, $"{circuit} rendered {circuit.Renders - before[circuit] - 1} times for the broadcast, expected {(matching.Contains(circuit) ? 1 : 0)}.");
        }
    }

    private static int Last(System.Collections.Concurrent.ConcurrentDictionary<string, List<int>> seen, FakeCircuit circuit) =>
        Values(seen, circuit).LastOrDefault(-1);

    private static int[] Values(System.Collections.Concurrent.ConcurrentDictionary<string, List<int>> seen, FakeCircuit circuit)
    {
        if (!seen.TryGetValue(circuit.Id, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }
}

/// <summary>The conformance suite against the in-memory backend (one server).</summary>
public sealed class InMemoryBackendTests : BackendConformanceTests
{
    protected override int Servers => 1;

    internal override Task<LiveCluster> StartClusterAsync() => LiveCluster.StartInMemoryAsync();
}

/// <summary>The conformance suite against Redis: two servers of one app sharing a real redis-server.</summary>
[Collection("redis")]
public sealed class RedisBackendTests(RedisFixture redis) : BackendConformanceTests
{
    protected override int Servers => 2;

    internal override Task<LiveCluster> StartClusterAsync() => LiveCluster.StartRedisAsync(redis.Server, nodes: Servers);
}

/// <summary>The conformance suite against a real 3-master Redis Cluster: two servers of one app, keys spread over the masters.</summary>
[Collection("redis-cluster")]
public sealed class RedisClusterBackendTests(RedisClusterFixture redis) : BackendConformanceTests
{
    protected override int Servers => 2;

    internal override Task<LiveCluster> StartClusterAsync() => LiveCluster.StartRedisAsync(redis.Cluster.EndPoint, nodes: Servers);
}
