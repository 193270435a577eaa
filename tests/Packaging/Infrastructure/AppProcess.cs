using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LiveState.Blazor.Packaging.Tests.Infrastructure;

/// <summary>A built app, run as <c>dotnet App.dll</c> on a loopback port Kestrel picks; killed with its tree on dispose.</summary>
internal sealed partial class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    public string Address { get; private set; } = string.Empty;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="directory">The working directory.</param>
    /// <param name="assembly">The app's dll.</param>
    /// <param name="redis">The Redis endpoint for <c>LiveState:Redis</c>, or null.</param>
    /// <param name="timeout">How long it may take to listen.</param>
    /// <param name="environment">
    /// The hosting environment. An app run from its build output (not published) serves its static web assets, the
    /// Blazor script among them, only in Development, as <c>dotnet run</c> does.
    /// </param>
    public static async Task<AppProcess> StartAsync(string directory, string assembly, string? redis, TimeSpan timeout, string environment = "Production")
    {
        var start = DotNet.StartInfo(directory, [assembly]);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        if (redis is not null)
        {
            start.Environment["LiveState__Redis"] = redis;
        }

        var app = new AppProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        app._process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.Exited += (_, _) => app._listening.TrySetException(new InvalidOperationException($"The app exited with {app._process.ExitCode} before listening. Output:\n{app.Output}"));
        app._process.Start();
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try
        {
            app.Address = await app._listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            app.Dispose();
            throw new TimeoutException($"The app did not listen within {timeout.TotalSeconds:0} s. Output:\n{app.Output}");
        }
        catch
        {
            app.Dispose();
            throw;
        }

        return app;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (Listening().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    public void Dispose()
    {
        DotNet.Kill(_process);
        _process.Dispose();
    }
}
