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

    // A port picked free can be taken by someone else before redis-server binds it: start again on another one.
    private const int StartAttempts = 8;

    // The ports of the servers of this process that may start again (killed, not yet disposed): never handed out by
    // FreePort, so a restart on the same port does not find another test's server there.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> s_reserved = new();

    private readonly string? _fsync;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServer(int port, string directory, string? fsync, string[] extraArguments)
    {
        Port = port;
        Directory = directory;
        _fsync = fsync;
        _extraArguments = extraArguments;
        s_reserved[port] = 0;
    }

    public int Port { get; }

    public string Directory { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <param name="fsync">appendfsync policy: "always" makes every acknowledged write survive a kill -9 and a crash of the machine.</param>
    /// <param name="port">The port, or null for a free one.</param>
    public static Task<RedisServer> StartAsync(string fsync = "everysec", int? port = null) => StartCoreAsync(fsync, port, FreePort, _ => []);

    /// <summary>A memory-only server: no append-only file, no snapshots (nothing survives a restart).</summary>
    public static Task<RedisServer> StartInMemoryAsync() => StartCoreAsync(fsync: null, port: null, FreePort, _ => []);

    /// <summary>Like <see cref="StartAsync"/> on a port of <paramref name="pickPort"/>'s choosing, asked again whenever one is taken (for tests of the retry).</summary>
    internal static Task<RedisServer> StartOnPortsAsync(Func<int> pickPort) => StartCoreAsync("everysec", port: null, pickPort, _ => []);

    /// <summary>
    /// A memory-only server started with more arguments, on a free port; <paramref name="arguments"/> gets the port
    /// (for example to pick a cluster bus port). Used by RedisCluster.
    /// </summary>
    internal static Task<RedisServer> StartWithAsync(Func<int, string[]> arguments) => StartCoreAsync(fsync: null, port: null, FreePort, arguments);

    private static async Task<RedisServer> StartCoreAsync(string? fsync, int? port, Func<int> pickPort, Func<int, string[]> arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "livestate-redis-" + Guid.NewGuid().ToString("N")[..12]);
            System.IO.Directory.CreateDirectory(directory);
            var chosen = port ?? pickPort();
            var server = new RedisServer(chosen, directory, fsync, arguments(chosen));
            try
            {
                await server.RestartAsync();
                return server;
            }
            catch (PortTakenException) when (port is null && attempt < StartAttempts)
            {
                // Someone bound the port between FreePort and redis-server: try another.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>A loopback port nobody listens on (for a Redis that is not there yet).</summary>
    /// <remarks>
    /// Picked at random below the kernel's ephemeral range (32768 and up), not by binding port 0: the kernel hands
    /// out ephemeral ports to every process that binds port 0 or connects, so a port freed by a killed server would
    /// soon go to another test run's server on this machine, and the restart would find it taken.
    /// </remarks>
    public static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(20_000, 32_768);
            if (s_reserved.ContainsKey(port))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: pick another.
            }
        }
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
        }.Concat(_extraArguments))
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
                var tail = Tail();
                if (tail.Contains("Address already in use", StringComparison.Ordinal) || tail.Contains("Could not create server TCP listening socket", StringComparison.Ordinal))
                {
                    throw new PortTakenException($"redis-server could not bind port {Port}: {tail}");
                }

                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {tail}");
            }

            try
            {
                // Not just any PONG: the server on this port must be ours (its dir is ours), not another test's that
                // took the port while ours failed to bind.
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("CONFIG GET dir\r\n"u8.ToArray());
                var buffer = new byte[4096];
                var answer = string.Empty;

                // The whole reply (*2, $3, dir, $n, the path), which may come in pieces; or an error line.
                while (!(answer.StartsWith('-') && answer.EndsWith("\r\n", StringComparison.Ordinal)) && answer.Split("\r\n").Length < 6)
                {
                    var got = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                    if (got == 0)
                    {
                        break;
                    }

                    answer += Encoding.UTF8.GetString(buffer, 0, got);
                }

                if (answer.Contains(Directory, StringComparison.Ordinal))
                {
                    // Ours; ready once it answers PING (not LOADING).
                    await stream.WriteAsync("PING\r\n"u8.ToArray());
                    var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                    if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                    {
                        return;
                    }
                }
                else if (answer.StartsWith('*') && answer.Split("\r\n").Length >= 6 && !_process.HasExited)
                {
                    // Another redis-server answers on our port: ours cannot bind it.
                    Kill();
                    throw new PortTakenException($"another redis-server answers on port {Port} ({answer.ReplaceLineEndings(" ")}; ours is {Directory}): {Tail()}");
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
        s_reserved.TryRemove(Port, out _);
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

/// <summary>redis-server could not bind its port (someone else took it first).</summary>
internal sealed class PortTakenException(string message) : Exception(message);
