using Bellman.Cli.Diagnostics;

namespace Bellman.Benchmarks;

/// <summary>
/// The quick subcommands' timer: this thread's CPU time (<see cref="ThreadClock"/>, less disturbed than wall time when
/// other processes share the core) per call, over rounds of repeated calls after a warm-up.
/// </summary>
internal static class QuickTiming
{
    /// <summary>
    /// Seconds per call of <paramref name="call"/> in each of <paramref name="rounds"/> rounds of <paramref name="calls"/>
    /// calls, sorted, after <paramref name="warmupCalls"/> untimed calls (five rounds' worth when negative).
    /// </summary>
    public static double[] SortedSeconds(Action call, int calls, int rounds = 31, int warmupCalls = -1)
    {
        for (int i = 0; i < (warmupCalls < 0 ? 5 * calls : warmupCalls); i++) call();
        var times = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            double start = ThreadClock.Seconds();
            for (int i = 0; i < calls; i++) call();
            times[r] = (ThreadClock.Seconds() - start) / calls;
        }
        Array.Sort(times);
        return times;
    }

    /// <summary>The median of <see cref="SortedSeconds"/>.</summary>
    public static double MedianSeconds(Action call, int calls, int rounds = 31, int warmupCalls = -1)
    {
        var times = SortedSeconds(call, calls, rounds, warmupCalls);
        return times[times.Length / 2];
    }
}
