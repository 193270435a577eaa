using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LiveState.Blazor.Tests.Shared;

/// <summary>
/// A real redis-server on a free loopback port, in a temp dir of its own, with the append-only file on (or, for
/// benchmarks, no persistence at all). It can be killed (SIGKILL) and started again on the same port and dir, as a
/// crashed Redis that comes back. Compiled into the Redis and browser test projects and the benchmarks (tests/Shared
/// is linked, not a project).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string? _fsync;
    private Process? _process;

    private RedisServer(int port, string directory, string? fsync)
    {
        Port = port;
        Directory = directory;
        _fsync = fsync;
    }

    public int Port { get; }

    public string Directory { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="fsync">appendfsync policy: "always" makes every acknowledged write survive a kill -9 and a crash of the machine.</param>
    /// <param name="port">The port, or null for a free one.</param>
    public static Task<RedisServer> StartAsync(string fsync = "everysec", int? port = null) => StartCoreAsync(fsync, port);

    /// <summary>A memory-only server: no append-only file, no snapshots (nothing survives a restart).</summary>
    public static Task<RedisServer> StartInMemoryAsync() => StartCoreAsync(fsync: null, port: null);

    private static async Task<RedisServer> StartCoreAsync(string? fsync, int? port)
    {
        var directory = Path.Combine(Path.GetTempPath(), "livestate-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new RedisServer(port ?? FreePort(), directory, fsync);
        await server.RestartAsync();
        return server;
    }

    /// <summary>A loopback port nobody listens on (for a Redis that is not there yet).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts redis-server (again) on the same port and dir, and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("redis-server is already running.");
        }

        var start = new ProcessStartInfo(Executable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", Directory,
            "--save", string.Empty,
            "--appendonly", _fsync is null ? "no" : "yes",
            "--appendfsync", _fsync ?? "no",
            "--protected-mode", "no",
            "--daemonize", "no",
            "--logfile", Path.Combine(Directory, "redis.log"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync();
    }

    /// <summary>kill -9: no shutdown, no final save; what the append-only file holds is all that survives.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {Tail()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"redis-server did not answer on port {Port}: {Tail()}");
            }

            await Task.Delay(20);
        }
    }

    private string Tail()
    {
        var log = Path.Combine(Directory, "redis.log");
        return File.Exists(log) ? string.Join('\n', File.ReadAllLines(log).TakeLast(10)) : "(no log)";
    }

    private static string Executable()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        // On PATH, or a clear failure: scripts/test.sh installs it.
        return "redis-server";
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
