using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace LiveState.Blazor.Rooms;

/// <summary>
/// The keys a room's presence shows for members and users: one-way hashes of the circuit id, and of the user id (or,
/// anonymous, the browser's group), so a page can key its lists without other people's circuit or group ids reaching
/// the browser. Cached per circuit snapshot, which the registry reuses until the circuit changes.
/// </summary>
internal static class MemberKeys
{
    private static readonly ConditionalWeakTable<LiveCircuitInfo, Keys> Cache = new();

    public static (string Member, string User) For(LiveCircuitInfo circuit)
    {
        var keys = Cache.GetValue(circuit, static c => new Keys(
            Hash("livestate.room-member.v1:", c.CircuitId),
            c.UserId is { } userId ? Hash("livestate.room-user.v1:u:", userId) : Hash("livestate.room-user.v1:g:", c.GroupId)));
        return (keys.Member, keys.User);
    }

    private static string Hash(string label, string value)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(label + value), hash);
        return Base64Url.EncodeToString(hash[..12]);
    }

    private sealed record Keys(string Member, string User);
}
