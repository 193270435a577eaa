using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveState.Blazor.Tests.Shared;

/// <summary>
/// A real Redis Cluster of three masters (no replicas) on free loopback ports, each node a
/// <c>redis-server --cluster-enabled yes</c> in a temp dir of its own, joined with
/// <c>redis-cli --cluster create</c>. Ready once every node says <c>cluster_state:ok</c>. Memory only: nothing
/// survives a restart. Linked into the Redis test project (tests/Shared is linked, not a project).
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private RedisCluster(IReadOnlyList<RedisServer> nodes)
    {
        Nodes = nodes;
    }

    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>Every node's endpoint, comma-separated: a StackExchange.Redis configuration string.</summary>
    public string EndPoint => string.Join(",", Nodes.Select(n => n.EndPoint));

    public static async Task<RedisCluster> StartAsync(int masters = 3)
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < masters; i++)
            {
                // The cluster bus needs a port of its own; by default port + 10000, which may be taken or out of range.
                nodes.Add(await RedisServer.StartWithAsync(_ =>
                [
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "5000",
                    "--cluster-port", RedisServer.FreePort().ToString(CultureInfo.InvariantCulture),
                ]));
            }

            var cluster = new RedisCluster(nodes);
            await cluster.CreateAsync();
            await cluster.WaitUntilReadyAsync();
            return cluster;
        }
        catch
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    private async Task CreateAsync()
    {
        var start = new ProcessStartInfo(CliExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var node in Nodes)
        {
            start.ArgumentList.Add(node.EndPoint);
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add("0");
        start.ArgumentList.Add("--cluster-yes");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(ReadyTimeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ready = true;
            foreach (var node in Nodes)
            {
                ready &= (await TryClusterInfoAsync(node.Port)).Contains("cluster_state:ok", StringComparison.Ordinal);
            }

            if (ready)
            {
                return;
            }

            if (clock.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"The Redis Cluster at {EndPoint} did not reach cluster_state:ok within {ReadyTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string> TryClusterInfoAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("CLUSTER INFO\r\n"u8.ToArray());
            var buffer = new byte[8192];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return string.Empty;
        }
    }

    private static string CliExecutable()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-cli", "/usr/local/bin/redis-cli" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // On PATH, or a clear failure: scripts/test.sh installs redis-server, which brings redis-cli (redis-tools).
        return "redis-cli";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
