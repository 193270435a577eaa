using System.Text.Json;
using LiveState.Blazor.Broadcasting;
using Microsoft.Extensions.Options;

namespace LiveState.Blazor.Backends;

/// <summary>
/// <see cref="IChangeNotifier"/> with a backend: re-renders this server's readers directly, and sends slot changes to
/// the servers hosting the group, with the new value when it is small (so that they update their copy without a read).
/// Presence needs no message: the backend publishes this server's circuit changes, and each server re-renders its own
/// presence readers when it learns of them.
/// </summary>
internal sealed class ClusterChangeNotifier(LocalChangeNotifier local, LiveStateBackend backend, IOptionsMonitor<LiveStateOptions> options) : IChangeNotifier
{
    public async ValueTask SlotChangedAsync(string groupId, string? slotKey, CancellationToken cancellationToken = default)
    {
        var here = local.SlotChangedAsync(groupId, slotKey, cancellationToken);
        await backend.PublishAsync(LiveMessage.SlotChanged(groupId, slotKey), CancellationToken.None).ConfigureAwait(false);
        await here.ConfigureAwait(false);
    }

    public async ValueTask SlotChangedAsync<T>(string groupId, SessionGroupSlot<T> slot, string slotKey, CancellationToken cancellationToken = default) where T : class
    {
        var here = local.SlotChangedAsync(groupId, slotKey, cancellationToken);
        var payload = JsonSerializer.SerializeToUtf8Bytes(slot.Value, options.CurrentValue.JsonSerializerOptions);
        var limit = options.CurrentValue.SlotChangePayloadLimit;
        var message = LiveMessage.SlotChanged(groupId, slotKey, slot.Version, payload.Length <= limit ? payload : ReadOnlyMemory<byte>.Empty);
        await backend.PublishAsync(message, CancellationToken.None).ConfigureAwait(false);
        await here.ConfigureAwait(false);
    }

    public ValueTask PresenceChangedAsync(string groupId) => local.PresenceChangedAsync(groupId);
}
