using System.Runtime.Intrinsics;

namespace Bellman.Nn.Tests;

/// <summary>
/// The vector widths a kernel test runs: 0 (the public method, which picks the widest accelerated width) and every
/// width this machine accelerates (512, 256, 128). Each SIMD kernel is generic over its width, so one machine with
/// AVX-512 runs the AVX-512, AVX2 and SSE code in-process; the scalar path is the reference itself and the tail
/// of every length that is not a multiple of the width. Widths that are not accelerated are skipped: their software
/// fallback is correct but slow and is not what any machine runs. This in-process choice, rather than running the
/// assembly again under DOTNET_EnableAVX512=0 / DOTNET_EnableHWIntrinsic=0, keeps the CI command README's one
/// `dotnet test` and adds seconds, not a second test run; what it leaves out is only the dispatching <c>if</c>s.
/// Checked by hand on an AVX-512 Xeon: the whole assembly also passes under DOTNET_EnableAVX512=0,
/// DOTNET_PreferredVectorBitWidth=256 and DOTNET_EnableHWIntrinsic=0.
/// </summary>
public static class SimdWidths
{
    /// <summary>The accelerated widths in bits, widest first, preceded by 0 for the dispatching method.</summary>
    public static int[] All { get; } = [0, .. new[] { 512, 256, 128 }.Where(IsAccelerated)];

    /// <summary>Every (width, length) pair.</summary>
    public static TheoryData<int, int> WithLengths(int[] lengths)
    {
        var data = new TheoryData<int, int>();
        foreach (int w in All)
            foreach (int n in lengths) data.Add(w, n);
        return data;
    }

    private static bool IsAccelerated(int bits) => bits switch
    {
        512 => Vector512.IsHardwareAccelerated,
        256 => Vector256.IsHardwareAccelerated,
        _ => Vector128.IsHardwareAccelerated,
    };
}
