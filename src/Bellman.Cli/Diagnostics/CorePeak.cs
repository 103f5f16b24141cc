using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bellman.Cli.Diagnostics;

/// <summary>
/// The float32 peak of the core this thread runs on, measured in managed code: twelve independent chains of fused
/// multiply-adds a ← a·x + y at the widest accelerated vector width (Vector512, else Vector256), enough chains to
/// cover the FMA latency on every current core, 2 FLOPs per lane per FMA, timed by <see cref="ThreadClock"/> (the
/// thread's CPU time on Linux, so other processes on the core do not lower it). The best of several short runs. The
/// same measurement as the C program ../shared/tools/peak.c (gcc -O2 -march=native; FLOPs over its user CPU time).
/// </summary>
public static class CorePeak
{
    private const long Iterations = 2_000_000;

    /// <summary>The best GFLOP/s over <paramref name="runs"/> runs of about 5 ms each (0 without 256-bit vectors).</summary>
    public static double MeasureGflops(int runs = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        double best = 0;
        for (int r = 0; r < runs; r++) best = Math.Max(best, Run());
        return best;
    }

    private static double Run()
    {
        double start = ThreadClock.Seconds();
        float sink;
        int lanes;
        if (Vector512.IsHardwareAccelerated)
        {
            sink = Vector512.Sum(Chains(Vector512.Create(0.999999f), Vector512.Create(1e-7f)));
            lanes = Vector512<float>.Count;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            sink = Vector256.Sum(Chains(Vector256.Create(0.999999f), Vector256.Create(1e-7f)));
            lanes = Vector256<float>.Count;
        }
        else return 0;
        double seconds = ThreadClock.Seconds() - start;
        GC.KeepAlive(sink);
        return Iterations * 12 * 2 * lanes / seconds / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector512<float> Chains(Vector512<float> x, Vector512<float> y)
    {
        Vector512<float> a0 = Vector512<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Chains(Vector256<float> x, Vector256<float> y)
    {
        Vector256<float> a0 = Vector256<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
    }
}
