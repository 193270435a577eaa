using Bunit;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Concurrency;

/// <summary>Runs alone: these tests saturate both cores on purpose, and timing-sensitive tests must not share the machine with them.</summary>
[CollectionDefinition(nameof(HeavyConcurrencyTests), DisableParallelization = true)]
public sealed class HeavyConcurrencyCollection
{
}

[Collection(nameof(HeavyConcurrencyTests))]
public sealed class HeavyConcurrencyTests : IDisposable
{
    private readonly LiveTestServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task SixteenTasksTimesTenThousandIncrementsOverEightCircuitsLoseNothing()
    {
        var circuits = Enumerable.Range(0, 8).Select(_ => _server.Open<GroupProbe>(new LiveIdentity("user:team", "team"))).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            var state = circuits[t % circuits.Length].State;
            for (var i = 0; i < 10_000; i++)
            {
                await state.MutateAsync<Counter>(c => c.Value++);
            }
        })));

        Assert.Equal(160_000, _server.States.Get<Counter>("user:team").Value);
        foreach (var circuit in circuits)
        {
            circuit.Component.WaitForAssertion(() => Assert.Equal("160000", circuit.Component.Find(".value").TextContent), Wait.Deadline);
        }
    }

    [Fact]
    public async Task ImmutableRecordUpdatesLoseNothingUnderConcurrency()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                await _server.States.ReplaceAsync<Tally>("browser:x", tally => tally with { Names = tally.Names.Add($"{t}-{i}") });
            }
        })));

        var names = _server.States.Get<Tally>("browser:x").Names;
        Assert.Equal(4_000, names.Count);
        Assert.Equal(4_000, names.Distinct().Count());
    }


    [Fact]
    public async Task AReaderNeverObservesATornObject()
    {
        using var stop = new CancellationTokenSource();
        var observed = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var ledger = _server.States.Get<Ledger>("user:r");

                // A complete snapshot: the invariant holds, and the list is never modified under us.
                Assert.Equal(ledger.Count, ledger.Items.Count);
                Assert.Equal(ledger.Count, ledger.Items.Sum(x => 1));
                observed++;
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                await _server.States.MutateAsync<Ledger>("user:r", l =>
                {
                    l.Items.Add(i);
                    l.Count++;
                });
            }
        })));
        await stop.CancelAsync();
        await reader;

        Assert.Equal(8_000, _server.States.Get<Ledger>("user:r").Count);
        Assert.True(observed > 0);
    }


    [Fact]
    public async Task HundredThousandConcurrentCyclesLeaveTheRegistryEmpty()
    {
        var registry = _server.Registry;
        const int Tasks = 8;
        const int PerTask = 12_500;

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                // Few groups and users, so tasks fight over the same buckets.
                var id = $"c{t}-{i}";
                var identity = i % 3 == 0 ? new LiveIdentity($"browser:{i % 5}") : new LiveIdentity($"user:u{i % 7}", $"u{i % 7}", [$"team:{i % 2}"]);
                registry.Register(id, identity);
                if (i % 4 == 0)
                {
                    registry.Move(id, new LiveIdentity($"user:u{i % 3}", $"u{i % 3}"));
                }

                Assert.NotNull(registry.Unregister(id));
            }
        })));

        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.GetAll());
        Assert.Equal(0, registry.GroupBucketCount);
        Assert.Equal(0, registry.UserBucketCount);
    }


    [Fact]
    public async Task ConcurrentOpensOfOneGroupAreAllIndexed()
    {
        var registry = _server.Registry;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                registry.Register($"c{t}-{i}", new LiveIdentity("user:shared", "shared"));
            }
        })));

        Assert.Equal(8_000, registry.CountGroup("user:shared"));
        Assert.Equal(8_000, registry.GetCircuitsOfUser("shared").Select(c => c.CircuitId).Distinct().Count());
    }
}
