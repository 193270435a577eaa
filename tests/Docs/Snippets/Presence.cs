using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LiveState.Blazor.Docs.Snippets;

// snippet-begin: last-seen
public sealed record LastSeen
{
    public DateTimeOffset? At { get; init; }
}

/// <summary>Remembers when a user closed their last tab, in the user's own group.</summary>
public sealed class LastSeenTracker(ILiveCircuitRegistry registry, ISessionGroupStateService groups, TimeProvider time)
    : ILiveCircuitLifecycleHandler
{
    public async Task OnClosedAsync(LiveCircuitInfo circuit, CancellationToken cancellationToken)
    {
        if (circuit.UserId is { } userId && registry.CountUser(userId) == 0)
        {
            await groups.ReplaceAsync<LastSeen>(
                LiveIdentity.UserGroup(userId), seen => seen with { At = time.GetUtcNow() }, cancellationToken);
        }
    }
}
// snippet-end: last-seen

public static class PresenceSetup
{
    public static void Register(WebApplicationBuilder builder)
    {
        // snippet-begin: register-lifecycle
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddLiveState()
            .AddLifecycleHandler<LastSeenTracker>();
        // snippet-end: register-lifecycle
    }
}
