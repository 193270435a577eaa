using System.Security.Cryptography;

namespace LiveState.Blazor.Redis.Internal;

/// <summary>This server's name among the servers of the app: unique per process, readable in Redis and in logs.</summary>
internal sealed class ServerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    public override string ToString() => Id;
}
