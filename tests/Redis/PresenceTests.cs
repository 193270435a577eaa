using LiveState.Blazor.Backends;
using LiveState.Blazor.Redis.Internal;
using LiveState.Blazor.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LiveState.Blazor.Redis.Tests;

/// <summary>
/// Presence without full replication (issue 12): what a server keeps of the others, how it notices a missed message,
/// and how a dead server's circuits leave Redis.
/// </summary>
[Collection("redis")]
public sealed class PresenceTests(RedisFixture redis)
{
    private static string NewGroup() => "group-" + Guid.NewGuid().ToString("N")[..10];

    private static void Quick(RedisLiveStateOptions options)
    {
        options.PresenceHeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.PresenceTimeout = TimeSpan.FromMilliseconds(600);
    }

    [Fact]
    public async Task ADeadServersCircuitsAreRemovedFromRedisByOneSurvivorAndItsGroupsAreTold()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 3, Quick, application: app);
        var (doomed, survivors) = (cluster.Last, cluster.Nodes.Take(2).ToList());
        var group = NewGroup();
        var watchers = survivors.Select(n => n.Open(new LiveIdentity(group))).ToList();
        var ghost = doomed.Open(new LiveIdentity(group, "ghost"));
        doomed.Open(new LiveIdentity(NewGroup(), "ghost"));
        await cluster.WaitForPresenceAsync(4);
        var doomedId = doomed.Services.GetRequiredService<ServerIdentity>().Id;
        await using var admin = await RedisAdmin.ConnectAsync(redis.Server.EndPoint);
        async Task<int> CircuitsInGroupAsync() =>
            (await admin.Database.HashKeysAsync($"livestate:{app}:pg:{{{group}}}")).Count(k => !((string)k!).StartsWith('#'));
        Assert.Equal(3, await CircuitsInGroupAsync());
        Assert.All(survivors, n => Assert.NotNull(n.Presence.Find(ghost.Id)));
        var renders = watchers.Select(w => w.Renders).ToList();

        // No farewell: the lease just stops being renewed.
        await doomed.CrashAsync();

        await Wait.UntilAsync(() => survivors.All(n => n.Presence.CountGroup(group) == 2), "the survivors count the group without the dead server's circuit");
        await Wait.UntilAsync(async () =>
            !await admin.Database.HashExistsAsync($"livestate:{app}:pg:{{{group}}}", "#s:" + doomedId)
            && await CircuitsInGroupAsync() == 2
            && !await admin.Database.KeyExistsAsync($"livestate:{app}:pg:{{user:ghost}}")
            && !await admin.Database.KeyExistsAsync($"livestate:{app}:ps:{{{doomedId}}}")
            && !await admin.Database.HashExistsAsync($"livestate:{app}:alive", doomedId), "the dead server's presence is gone from Redis");

        // One survivor removed it (the lock key), and the group's circuits re-rendered with their new count.
        await Wait.UntilAsync(() => survivors.Any(n => n.Logs.Has(134)), "the removal is logged");
        Assert.Equal(1, survivors.Sum(n => n.Logs.Entries.Count(e => e.EventId == 134)));
        await Wait.UntilAsync(() => watchers.Select((w, i) => w.Renders > renders[i]).All(r => r), "the group's circuits re-rendered");
        Assert.All(survivors, n => Assert.Null(n.Presence.Find(ghost.Id)));
    }

    [Fact]
    public async Task AMissedPresenceMessageIsNoticedAndTheGroupsPresenceReadAgain()
    {
        var app = "app-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 1, application: app);
        var node = cluster.First;
        var group = NewGroup();
        node.Open(new LiveIdentity(group));
        await Wait.UntilAsync(() => node.Services.GetRequiredService<Subscriptions>().Hosts(LiveTopic.Group(group)) && node.Presence.CountGroup(group) == 1, "the group is hosted");
        await using var admin = await RedisAdmin.ConnectAsync(redis.Server.EndPoint);

        // Another server wrote two circuits into the group (seq 7), but only the message of its second write arrives here:
        // it names 6 as its previous write, which this server never saw.
        var key = $"livestate:{app}:pg:{{{group}}}";
        await admin.Database.HashSetAsync(key,
        [
            new("c-first", $$"""{"v":2,"s":"other","i":"c-first","g":"{{group}}","c":true,"o":1700000000000}"""),
            new("c-second", $$"""{"v":2,"s":"other","i":"c-second","g":"{{group}}","c":true,"o":1700000000000}"""),
            new("#s:other", 7),
        ]);
        await admin.Database.PublishAsync(
            RedisChannel.Sharded($"livestate:{app}:g:{{{group}}}"),
            $$"""{"v":2,"s":"other","k":20,"tk":"g","ti":"{{group}}","q":7,"p":6,"e":[{"v":2,"s":"other","i":"c-second","g":"{{group}}","c":true,"o":1700000000000}]}""");

        // The gap is noticed: the hash is read again, and both circuits count.
        await Wait.UntilAsync(() => node.Presence.CountGroup(group) == 3, "the group's presence was read again");
        Assert.NotNull(node.Presence.Find("c-first"));
        Assert.Contains(node.Logs.Entries, e => e.EventId == 117);

        // The next write of that server follows on: applied without a read.
        await admin.Database.PublishAsync(
            RedisChannel.Sharded($"livestate:{app}:g:{{{group}}}"),
            $$"""{"v":2,"s":"other","k":20,"tk":"g","ti":"{{group}}","q":9,"p":7,"e":[{"i":"c-first"}]}""");
        await Wait.UntilAsync(() => node.Presence.CountGroup(group) == 2, "the removal applied");
        Assert.Single(node.Logs.Entries, e => e.EventId == 117);
    }

    [Fact]
    public async Task AServerStopsListeningToAGroupWhenItsLastCircuitThereClosesAndHoldsNothingOfIt()
    {
        await using var cluster = await LiveCluster.StartRedisAsync(redis.Server, nodes: 2);
        var (one, two) = (cluster.First, cluster.Last);
        var group = NewGroup();
        var subscriptions = one.Services.GetRequiredService<Subscriptions>();
        var listening = subscriptions.Count;
        var here = one.Open(new LiveIdentity(group, "ada"));
        var there = two.Open(new LiveIdentity(group));
        await cluster.WaitForPresenceAsync(2);
        Assert.Equal(listening + 2, subscriptions.Count);
        Assert.Equal(1, one.RemoteCircuitsHeld);

        here.Close();
        await Wait.UntilAsync(() => subscriptions.Count == listening, "the group's and the user's channels were unsubscribed");
        Assert.Equal(0, one.RemoteCircuitsHeld);

        // A broadcast to the group no longer reaches this server at all.
        var before = one.MessagesReceived;
        var renders = there.Renders;
        Assert.Equal(1, await one.Broadcaster.BroadcastToGroupAsync(group));
        await Wait.UntilAsync(() => there.Renders > renders, "the group's other circuit rendered");
        await two.Broadcaster.BroadcastToGroupAsync(group);
        await Wait.UntilAsync(() => there.Renders > renders + 1, "the second broadcast arrived");
        Assert.Equal(before, one.MessagesReceived);
    }
}
