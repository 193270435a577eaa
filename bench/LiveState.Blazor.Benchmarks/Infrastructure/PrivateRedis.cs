using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// A private, memory-only redis-server on a free loopback port, in a temp dir of its own (no RDB, no AOF), started
/// for one benchmark and killed with it, as bench/LatencyHarness starts one.
/// </summary>
internal sealed class PrivateRedis : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private PrivateRedis(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string EndPoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public static PrivateRedis Start()
    {
        var port = FreePort();
        var directory = Path.Combine(Path.GetTempPath(), "livestate-bench-redis-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new PrivateRedis(process, port, directory);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return redis;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(20);
            }
            catch
            {
                redis.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
