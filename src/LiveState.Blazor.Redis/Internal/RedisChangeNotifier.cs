using LiveState.Blazor.Broadcasting;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>
/// Tells this server's readers of a changed slot directly, and the other servers through the app's channel (they
/// refresh their cached copy, then re-render their readers). Presence needs no message of its own: the other servers
/// learn of circuit changes from the presence stream and re-render their presence readers then.
/// </summary>
internal sealed class RedisChangeNotifier(LocalChangeNotifier local, BackplanePublisher publisher, ServerIdentity server) : IChangeNotifier
{
    public async ValueTask SlotChangedAsync(string groupId, string? slotKey, CancellationToken cancellationToken = default)
    {
        var here = local.SlotChangedAsync(groupId, slotKey, cancellationToken);
        _ = await publisher.PublishAsync(new BackplaneMessage
        {
            Server = server.Id,
            Kind = MessageKind.Slot,
            Targets = slotKey is null ? [groupId] : [groupId, slotKey],
        }).ConfigureAwait(false);
        await here.ConfigureAwait(false);
    }

    public ValueTask PresenceChangedAsync(string groupId) => local.PresenceChangedAsync(groupId);
}
