using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bellman.Cli.Diagnostics;

/// <summary>
/// The clock that engine timings use: on Linux the CPU time of the calling thread (clock_gettime with
/// CLOCK_THREAD_CPUTIME_ID), so that a figure measured on a machine where other processes share the core counts only
/// the time this thread ran; elsewhere the wall clock (<see cref="Stopwatch"/>). On an idle core the two agree.
/// </summary>
public static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>Whether <see cref="Seconds"/> reads the thread's CPU time (else wall time).</summary>
    public static bool IsThreadCpuTime { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>The clock's current reading in seconds (an arbitrary origin).</summary>
    public static double Seconds()
    {
        if (IsThreadCpuTime && TryRead(out double s)) return s;
        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    /// <summary>"thread-cpu" or "wall".</summary>
    public static string Name => IsThreadCpuTime ? "thread-cpu" : "wall";

    private static bool TryRead(out double seconds)
    {
        seconds = 0;
        try
        {
            if (ClockGetTime(ClockThreadCpuTime, out TimeSpec t) != 0) return false;
            seconds = t.Seconds + t.Nanoseconds * 1e-9;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
