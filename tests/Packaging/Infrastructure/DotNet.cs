using System.Diagnostics;
using System.Text;

namespace LiveState.Blazor.Packaging.Tests.Infrastructure;

/// <summary>
/// Runs the dotnet CLI as a user would, with a deadline: a failing or hung command fails the test with the command
/// line and everything it printed, and its whole process tree is killed.
/// </summary>
internal static class DotNet
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>dotnet {arguments}</c> in <paramref name="directory"/>; returns its output, or throws with it.</summary>
    public static async Task<string> RunAsync(string directory, IEnumerable<string> arguments, TimeSpan? timeout = null, ITestOutputHelper? log = null)
    {
        var start = StartInfo(directory, arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw new TimeoutException($"`{CommandLine(start)}` did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s in {directory}. Output:\n{Text(output)}");
        }

        // The parameterless wait also drains the redirected output.
        process.WaitForExit();
        log?.WriteLine($"`{CommandLine(start)}`: exit {process.ExitCode} after {clock.Elapsed.TotalSeconds:0.0} s");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{CommandLine(start)}` failed with exit code {process.ExitCode} in {directory}. Output:\n{Text(output)}");
        }

        return Text(output);
    }

    /// <summary>
    /// The command's environment: this process's, without what an MSBuild or test host above us set for itself
    /// (MSBuild paths from another build would steer the child's SDK resolution), and without first-run noise.
    /// </summary>
    public static ProcessStartInfo StartInfo(string directory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        return start;
    }

    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public static string CommandLine(ProcessStartInfo start) => "dotnet " + string.Join(' ', start.ArgumentList);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
