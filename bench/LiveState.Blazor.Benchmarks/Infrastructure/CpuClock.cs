using System.Runtime.InteropServices;

namespace LiveState.Blazor.Benchmarks.Infrastructure;

/// <summary>
/// The CPU time this process has used, all threads together, with nanosecond resolution
/// (<c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>). On a shared, busy machine wall time counts the waits for a
/// core; CPU time counts the work, so ratios of CPU time stay put while the machine's load comes and goes.
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessCpuTimeId = 2; // CLOCK_PROCESS_CPUTIME_ID on Linux

    /// <summary>Process CPU time in nanoseconds, or -1 where the clock is not available (not Linux).</summary>
    public static long Now()
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }

        return ClockGetTime(ProcessCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds : -1;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
