using LiveState.Blazor.Circuits;
using LiveState.Blazor.Tests.Infrastructure;

namespace LiveState.Blazor.Tests.Circuits;

/// <summary>
/// Joining a big group costs what joining an empty one does (issue 13: each join used to copy the whole group, so
/// 10,000 tabs joining one group copied about G²/2 references); lookups stay allocation-free snapshots.
/// </summary>
public sealed class CircuitBucketTests
{
    private const int Big = 10_000;
    private static readonly LiveIdentity OneBrowser = new("browser:one");

    [Fact]
    public void AJoinIntoATenThousandTabGroupCopiesNothingOfTheGroup()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        for (var i = 0; i < Big; i++)
        {
            registry.Register($"tab-{i}", OneBrowser);
        }

        var intoBig = AllocatedPerOperation(1_000, i => registry.Register($"more-{i}", OneBrowser));
        var intoEmpty = AllocatedPerOperation(1_000, i => registry.Register($"alone-{i}", new LiveIdentity($"browser:alone-{i}")));

        // The copy-on-write bucket allocated a new array of the whole group (80 KB here) for every join.
        Assert.True(intoBig <= intoEmpty * 2, $"a join into a {Big:N0}-tab group allocated {intoBig:N0} B, into an empty group {intoEmpty:N0} B");
        Assert.Equal(Big + 1_001, registry.CountGroup("browser:one"));
    }

    [Fact]
    public void ChurnInsideATenThousandTabGroupCopiesNothingOfTheGroup()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        for (var i = 0; i < Big; i++)
        {
            registry.Register($"tab-{i}", OneBrowser);
        }

        var churn = AllocatedPerOperation(1_000, i =>
        {
            registry.Register($"churn-{i}", OneBrowser);
            registry.Unregister($"churn-{i}");
        });
        var churnAlone = AllocatedPerOperation(1_000, i =>
        {
            registry.Register($"churn-alone-{i}", new LiveIdentity("browser:alone"));
            registry.Unregister($"churn-alone-{i}");
        });

        Assert.True(churn <= churnAlone * 2, $"a join and a leave in a {Big:N0}-tab group allocated {churn:N0} B, in an empty group {churnAlone:N0} B");
        Assert.Equal(Big, registry.CountGroup("browser:one"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(CircuitBucket.SmallSize)]
    [InlineData(CircuitBucket.SmallSize + 1)]
    [InlineData(1_000)]
    public void LookupsAllocateNothingWhileTheGroupIsUnchanged(int tabs)
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        for (var i = 0; i < tabs; i++)
        {
            registry.Register($"tab-{i}", new LiveIdentity("user:alice", "alice"));
        }

        var first = registry.CircuitsOfGroup("user:alice");
        var ofUser = registry.CircuitsOfUser("alice");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = registry.CircuitsOfGroup("user:alice");
        var ofUserAgain = registry.CircuitsOfUser("alice");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Same(first, again);
        Assert.Same(ofUser, ofUserAgain);
        Assert.Equal(tabs, first.Length);
    }

    [Fact]
    public void ASnapshotNeverChangesAfterItWasTaken()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        for (var i = 0; i < 100; i++)
        {
            registry.Register($"tab-{i}", OneBrowser);
        }

        var snapshot = registry.CircuitsOfGroup("browser:one");
        var copy = snapshot.ToArray();
        for (var i = 0; i < 50; i++)
        {
            registry.Unregister($"tab-{i * 2}");
            registry.Register($"new-{i}", OneBrowser);
        }

        Assert.Equal(copy, snapshot);
        var now = registry.CircuitsOfGroup("browser:one").Select(c => c.Id).ToHashSet();
        var expected = Enumerable.Range(0, 50).Select(i => $"tab-{(i * 2) + 1}").Concat(Enumerable.Range(0, 50).Select(i => $"new-{i}")).ToHashSet();
        Assert.Equal(expected, now);
    }

    [Fact]
    public void ABigGroupThatEmptiesIsForgottenAndCanFillAgain()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                registry.Register($"tab-{i}", OneBrowser);
            }

            Assert.Equal(100, registry.CircuitsOfGroup("browser:one").Length);
            for (var i = 0; i < 100; i++)
            {
                registry.Unregister($"tab-{i}");
            }

            Assert.Empty(registry.CircuitsOfGroup("browser:one"));
            Assert.Equal(0, registry.GroupBucketCount);
            Assert.DoesNotContain("browser:one", registry.GetActiveGroups());
        }
    }

    [Fact]
    public void TheGroupCapHoldsForBigGroups()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        for (var i = 0; i < 40; i++)
        {
            registry.Register($"tab-{i}", OneBrowser, maxCircuitsPerGroup: 40);
        }

        Assert.Throws<LiveStateCircuitLimitException>(() => registry.Register("one-too-many", OneBrowser, maxCircuitsPerGroup: 40));
        Assert.Equal(40, registry.CountGroup("browser:one"));
        Assert.Null(registry.Find("one-too-many"));
    }

    private static double AllocatedPerOperation(int count, Action<int> operation)
    {
        // Once first, so that what is allocated once (a dictionary bucket, code) is not counted.
        operation(-1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            operation(i);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
    }
}

/// <summary>Readers and writers of one big group at once: they run alone, as they saturate both cores.</summary>
[Collection("HeavyConcurrencyTests")]
public sealed class HeavyCircuitBucketTests
{
    [Fact]
    public async Task ReadersOfABigGroupSeeEveryTabThatStaysWhileOthersJoinAndLeave()
    {
        using var server = new LiveTestServer();
        var registry = server.Registry;
        var group = new LiveIdentity("browser:crowd");
        var stayers = Enumerable.Range(0, 500).Select(i => registry.Register($"stays-{i}", group)).ToArray();
        using var stop = new CancellationTokenSource();
        var churner = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                registry.Register($"churn-{i}", group);
                if (i >= 50)
                {
                    registry.Unregister($"churn-{i - 50}");
                }
            }
        });

        var reads = 0;
        try
        {
            while (reads < 2_000)
            {
                var snapshot = registry.CircuitsOfGroup("browser:crowd");
                var seen = new HashSet<LiveCircuit>(snapshot);
                Assert.Equal(snapshot.Length, seen.Count);
                Assert.All(stayers, s => Assert.Contains(s, seen));
                reads++;
            }
        }
        finally
        {
            stop.Cancel();
        }

        await churner.WaitAsync(Wait.Deadline);
        Assert.True(registry.CountGroup("browser:crowd") >= 500);
    }
}
