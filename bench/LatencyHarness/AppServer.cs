using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using LiveState.Blazor.Tests.Shared;

namespace LiveState.Blazor.LatencyHarness;

/// <summary>
/// A child process on a loopback port: bench/LatencyApp, from its build output (built with the harness). Stopped,
/// with its children, when disposed.
/// </summary>
internal sealed class AppServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private AppServer(Process process, int port, string name)
    {
        _process = process;
        Port = port;
        Name = name;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts bench/LatencyApp; with <paramref name="redis"/>, on the Redis backend.</summary>
    public static async Task<AppServer> StartAppAsync(string name, string configuration, string? redis)
    {
        var directory = Path.Combine(Repository.Root, "bench", "LatencyApp", "bin", configuration, "net10.0");
        var dll = Path.Combine(directory, "LatencyApp.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the harness first (dotnet build bench/LatencyHarness -c {configuration}).");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", directory })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (redis is not null)
        {
            start.Environment["LatencyApp__Redis"] = redis;
        }

        var server = new AppServer(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), port, name);
        await server.WaitUntilAsync(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await http.GetAsync(server.BaseAddress);
            return response.StatusCode == HttpStatusCode.OK;
        });
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilAsync(Func<Task<bool>> ready)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{string.Join('\n', Output())}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or SocketException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not come up within 90 s:\n{string.Join('\n', Output())}");
            }

            await Task.Delay(200);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 200)
            {
                _output.RemoveAt(0);
            }
        }
    }

    private string[] Output()
    {
        lock (_output)
        {
            return [.. _output];
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
