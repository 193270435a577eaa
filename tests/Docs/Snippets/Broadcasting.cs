using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiveState.Blazor.Docs.Snippets;

public sealed class BroadcastTargets(ILiveBroadcaster broadcaster)
{
    public async Task<int> AllFormsAsync(string circuitId)
    {
        // snippet-begin: targets
        await broadcaster.BroadcastToAllAsync();                            // every circuit
        await broadcaster.BroadcastAsync(circuit => circuit.UserId is null); // every anonymous circuit
        await broadcaster.BroadcastToUsersAsync(["alice", "bob"]);           // every tab and device of two users
        await broadcaster.BroadcastToGroupAsync("team:rockets");             // a group, its members included
        await broadcaster.BroadcastToCircuitAsync(circuitId);                // one tab

        // Each returns how many circuits it reached; leave out the sender's own tab with exceptCircuitId.
        int reached = await broadcaster.BroadcastToGroupAsync("team:rockets", exceptCircuitId: circuitId);
        // snippet-end: targets
        return reached;
    }
}

// snippet-begin: order-slot
public sealed record Orders
{
    public System.Collections.Immutable.ImmutableList<string> Ids { get; init; } = [];
}
// snippet-end: order-slot

public static class OrderWebhook
{
    public static void Map(WebApplication app)
    {
        // snippet-begin: webhook
        // A payment provider calls this; every open tab of the user, on every device, shows the order at once.
        app.MapPost("/webhooks/orders/{userId}/{orderId}",
            async (string userId, string orderId, ISessionGroupStateService groups, CancellationToken cancellationToken) =>
            {
                await groups.ReplaceAsync<Orders>(
                    LiveIdentity.UserGroup(userId),
                    orders => orders with { Ids = orders.Ids.Add(orderId) },
                    cancellationToken);
                return Results.NoContent();
            });
        // snippet-end: webhook
    }
}

// snippet-begin: clock-job
/// <summary>Nothing to store: the pages show the time, so re-render every connected tab once a second.</summary>
public sealed class ClockJob(ILiveBroadcaster broadcaster, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await broadcaster.BroadcastAsync(circuit => circuit.IsConnected, cancellationToken: stoppingToken);
        }
    }
}
// snippet-end: clock-job

public static class ClockJobSetup
{
    public static void Register(IServiceCollection services)
    {
        // snippet-begin: clock-job-register
        services.AddSingleton(TimeProvider.System);
        services.AddHostedService<ClockJob>();
        // snippet-end: clock-job-register
    }
}
