using LiveState.Blazor.Redis.Tests.Infrastructure;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// Messages go only to the servers that need them (issue 12): a targeted broadcast reaches no server that hosts no
/// target, a small slot change is applied on the other servers without a Redis read, and a server keeps no presence
/// of circuits in groups it does not host.
/// </summary>
[Collection("redis")]
public sealed class RoutingTests(RedisFixture redis)
{
    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    // No heartbeat or keep-alive runs during a test: what a counter shows is what the test sent. (So the cluster's circuit
    // count, renewed by heartbeats, is not waited for: only what each server hosts.)
    private static void Quiet(RedisLiveStateOptions options)
    {
        options.PresenceHeartbeatInterval = TimeSpan.FromSeconds(30);
        options.PresenceTimeout = TimeSpan.FromSeconds(90);
    }

    [Fact]
    public async Task ATargetedBroadcastReachesNoServerThatHostsNoTarget()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 3, Quiet);
        var (host, bystander, sender) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        var group = NewGroup();
        var target = host.Open(new LiveIdentity(group));
        var bystanderGroup = NewGroup();
        var bystanderCircuit = bystander.Open(new LiveIdentity(bystanderGroup));

        // The sender hosts neither group: it learns of their circuits from Redis, once their servers have written them.
        await Wait.UntilAsync(() => sender.Presence.CountGroup(group) == 1 && sender.Presence.CountGroup(bystanderGroup) == 1, "the sender sees both circuits");
        var before = cluster.Nodes.ToDictionary(n => n, n => n.MessagesReceived);

        Assert.Equal(1, await sender.Broadcaster.BroadcastToGroupAsync(group));
        await Wait.UntilAsync(() => target.Renders == 1, "the target rendered");

        // A fence through the bystander: the sender's next message reaches it after anything sent before (one
        // subscriber connection, in publish order), so a group message meant for others would have arrived by then.
        Assert.Equal(1, await sender.Broadcaster.BroadcastToCircuitAsync(bystanderCircuit.Id));
        await Wait.UntilAsync(() => bystanderCircuit.Renders == 1, "the fence reached the bystander");

        Assert.Equal(1, bystander.MessagesReceived - before[bystander]);
        Assert.Equal(0, sender.MessagesReceived - before[sender]);
        Assert.Equal(0, bystanderCircuit.Renders - 1);
    }

    [Fact]
    public async Task ASmallSlotChangeIsAppliedOnAnotherServerWithoutARedisRead()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2, Quiet);
        var (writer, reader) = (cluster.First, cluster.Last);
        var group = NewGroup();
        var shown = new List<int>();
        reader.Open(new LiveIdentity(group), onRender: _ =>
        {
            lock (shown)
            {
                shown.Add(reader.States.Get<Counter>(group).Value);
            }
        });
        writer.Open(new LiveIdentity(group));
        await cluster.WaitForHostedPresenceAsync();
        await writer.States.MutateAsync<Counter>(group, c => c.Value = 1);
        await Wait.UntilAsync(() => reader.States.Get<Counter>(group).Value == 1, "the reader's cache holds the group");
        var operations = reader.InteractiveOperations;

        for (var i = 2; i <= 20; i++)
        {
            await writer.States.MutateAsync<Counter>(group, c => c.Value = i);
        }

        await Wait.UntilAsync(() => reader.States.Get<Counter>(group).Value == 20, "the reader shows the last value");
        Assert.Equal(0, reader.InteractiveOperations - operations);
        lock (shown)
        {
            // Never back to an older value, never the empty default once shown.
            var values = shown.SkipWhile(v => v == 0).ToList();
            Assert.Equal(values.Order(), values);
            Assert.Equal(20, values[^1]);
        }
    }

    [Fact]
    public async Task AGroupWhoseRendersAreSlowDoesNotHoldUpTheMessagesOfAnotherGroup()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var (sender, receiver) = (cluster.First, cluster.Last);
        var (slow, quick) = (NewGroup(), NewGroup());
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = receiver.Open(new LiveIdentity(slow), onRender: _ =>
        {
            // A render that does not finish until the test says so: the slow group's channel waits on it.
            entered.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30));
        });
        var other = receiver.Open(new LiveIdentity(quick));
        await cluster.WaitForPresenceAsync(2);

        await sender.Broadcaster.BroadcastToGroupAsync(slow);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await sender.Broadcaster.BroadcastToGroupAsync(slow);
        await sender.Broadcaster.BroadcastToGroupAsync(quick);

        // The quick group's message is handled while the slow group's render still blocks.
        await Wait.UntilAsync(() => other.Renders == 1, "the other group's circuit rendered");
        Assert.False(release.IsSet);
        release.Set();
        await Wait.UntilAsync(() => blocked.Renders == 2, "the slow group's messages were handled in order after it");
    }

    [Fact]
    public async Task AServerKeepsNoPresenceOfCircuitsInGroupsItDoesNotHost()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var (busy, idle) = (cluster.First, cluster.Last);
        for (var i = 0; i < 50; i++)
        {
            busy.Open(new LiveIdentity(NewGroup(), $"user-{i}"));
        }

        var shared = NewGroup();
        busy.Open(new LiveIdentity(shared));
        idle.Open(new LiveIdentity(shared));
        await cluster.WaitForPresenceAsync(52);

        // The cluster's count is known everywhere; the circuits themselves only where their group or user is hosted.
        Assert.Equal(52, idle.Presence.Count);
        Assert.Equal(2, idle.Presence.CountGroup(shared));
        Assert.Equal(1, idle.RemoteCircuitsHeld);
    }
}
