using Bellman.Nn.Kernels;
using Xunit;

namespace Bellman.Nn.Tests.Kernels;

/// <summary>
/// The convolution kernels against their scalar references over awkward shapes (output widths around the vector
/// widths 4, 8 and 16, filter counts around the block of 8, MinAtar's channel counts, strides and padding that take
/// the im2col path). The forward is bit-identical to the reference on the direct path (the same fused chain in the
/// same order) and on the im2col path within float rounding; the gradients are reassociated and compared within a
/// worst-case rounding bound, 2·(terms + 1)·2⁻²⁴·Σ|terms| + |old|·2⁻²⁴, far below any indexing mistake.
/// </summary>
/// <summary>A theory skipped, with the reason printed, where 512-bit vectors are not accelerated (its kernel is not used there).</summary>
public sealed class Avx512TheoryAttribute : TheoryAttribute
{
    public Avx512TheoryAttribute()
    {
        if (!System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated || !System.Runtime.Intrinsics.X86.Avx.IsSupported)
            Skip = "512-bit vectors are not accelerated on this machine: the filter-lane kernel is not used here.";
    }
}

public sealed class Conv2dKernelTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
    {
        // N, C, H, W, F, K, stride, padding
        { 32, 4, 10, 10, 16, 3, 1, 0 },  // MinAtar Breakout / Asterix
        { 3, 7, 10, 10, 16, 3, 1, 0 },   // Freeway
        { 2, 10, 10, 10, 16, 3, 1, 0 },  // Seaquest
        { 2, 6, 10, 10, 17, 3, 1, 0 },   // SpaceInvaders, 17 filters (block of 8 + remainder)
        { 2, 3, 12, 13, 32, 3, 1, 0 },   // OutW 11, 32 filters: two groups of 16 filter lanes, a shifted last run
        { 2, 3, 8, 10, 12, 3, 1, 0 },    // OutW 8, OutH 6: row-pair tiles of 2 and 1, three groups of 4 filters
        { 1, 2, 12, 10, 4, 3, 1, 0 },    // OutW 8, OutH 10: row-pair tiles of 4 and 1
        { 2, 2, 11, 10, 8, 3, 1, 0 },    // OutW 8, OutH 9 (odd: not row pairs)
        { 1, 1, 3, 3, 1, 3, 1, 0 },      // one output
        { 2, 2, 6, 6, 9, 3, 1, 0 },      // OutW 4
        { 2, 3, 9, 9, 8, 3, 1, 0 },      // OutW 7
        { 1, 2, 11, 11, 3, 3, 1, 0 },    // OutW 9
        { 1, 2, 17, 18, 7, 3, 1, 0 },    // OutW 16
        { 1, 1, 19, 19, 1, 3, 1, 0 },    // OutW 17
        { 2, 3, 12, 20, 8, 5, 1, 0 },    // OutW 16, 5×5
        { 1, 3, 33, 33, 2, 2, 1, 0 },    // OutW 32, 2×2
        { 2, 3, 7, 7, 4, 3, 2, 1 },      // stride and padding (im2col)
        { 1, 2, 10, 10, 5, 3, 1, 1 },    // padding (im2col)
        { 1, 4, 21, 21, 2, 8, 4, 0 },    // Nature-DQN-like stride 4 (im2col)
    };

    private static float[] Uniform(int n, int seed, double density = 1)
    {
        var rng = new Rng((ulong)seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextDouble() < density ? (float)(2 * rng.NextDouble() - 1) : 0f;
        return x;
    }

    private static float[] Abs(float[] x) => [.. x.Select(MathF.Abs)];

    private static void AssertClose(float[] expected, float[] actual, float[] magnitude, float[] old, int terms, string label)
    {
        const double u = 1.0 / (1 << 24);
        for (int e = 0; e < expected.Length; e++)
        {
            double tolerance = 2 * (terms + 1) * u * (magnitude[e] - Math.Abs(old[e])) + 2 * u * Math.Abs(old[e]) + 1e-30;
            double diff = Math.Abs((double)expected[e] - actual[e]);
            if (!(diff <= tolerance)) Assert.Fail($"{label}: element {e} = {actual[e]}, reference {expected[e]}, |diff| {diff:E2} > {tolerance:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardEqualsTheScalarReference(int n, int c, int h, int w, int f, int k, int stride, int pad)
    {
        var s = new Conv2dShape(n, c, h, w, f, k, k, stride, pad);
        float[] x = Uniform(n * s.ImageSize, 1, density: 0.3), wt = Uniform(f * s.Patch, 2), b = Uniform(f, 3);
        var expected = new float[n * f * s.OutPlane];
        Conv2dKernels.ForwardReference(x, wt, b, expected, s);
        var scratch = new float[s.ScratchSize];
        foreach (bool bias in new[] { true, false })
        {
            var reference = expected;
            if (!bias)
            {
                reference = new float[expected.Length];
                Conv2dKernels.ForwardReference(x, wt, default, reference, s);
            }
            var actual = new float[expected.Length];
            Conv2dKernels.Forward(x, wt, bias ? b : default, actual, s, scratch);
            if (stride == 1 && pad == 0 && s.OutWidth >= 4)
            {
                Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
                foreach (int width in SimdWidths.All.Where(v => v > 0 && s.OutWidth >= v / 32))
                {
                    Array.Clear(actual);
                    Direct(width, x, wt, bias ? b : default, actual, s);
                    Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
                }
            }
            else
            {
                var magnitude = new float[expected.Length];
                Conv2dKernels.ForwardReference(Abs(x), Abs(wt), bias ? Abs(b) : default, magnitude, s);
                AssertClose(reference, actual, magnitude, new float[expected.Length], s.Patch + 1, $"forward {s}");
            }
        }
    }

    private static void Direct(int width, float[] x, float[] w, ReadOnlySpan<float> b, float[] y, in Conv2dShape s)
    {
        if (width == 512) Conv2dKernels.ForwardDirect<Simd512>(x, w, b, y, s);
        else if (width == 256) Conv2dKernels.ForwardDirect<Simd256>(x, w, b, y, s);
        else Conv2dKernels.ForwardDirect<Simd128>(x, w, b, y, s);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void WeightGradientIsTheScalarReferenceWithinRounding(int n, int c, int h, int w, int f, int k, int stride, int pad)
    {
        var s = new Conv2dShape(n, c, h, w, f, k, k, stride, pad);
        float[] x = Uniform(n * s.ImageSize, 4, density: 0.3), dy = Uniform(n * f * s.OutPlane, 5), old = Uniform(f * s.Patch, 6);
        var expected = (float[])old.Clone();
        Conv2dKernels.WeightGradientReference(x, dy, expected, s);
        var magnitude = Abs(old);
        Conv2dKernels.WeightGradientReference(Abs(x), Abs(dy), magnitude, s);
        int terms = n * s.OutPlane;
        var actual = (float[])old.Clone();
        Conv2dKernels.WeightGradient(x, dy, actual, s, new float[s.ScratchSize]);
        AssertClose(expected, actual, magnitude, old, terms, $"dW {s}");
        foreach (int width in SimdWidths.All.Where(v => v > 0 && stride == 1 && pad == 0 && s.OutWidth % (v / 32) == 0))
        {
            actual = (float[])old.Clone();
            var scratch = new float[s.ScratchSize];
            if (width == 512) Conv2dKernels.WeightGradientDirect<Simd512>(x, dy, actual, s, scratch);
            else if (width == 256) Conv2dKernels.WeightGradientDirect<Simd256>(x, dy, actual, s, scratch);
            else Conv2dKernels.WeightGradientDirect<Simd128>(x, dy, actual, s, scratch);
            AssertClose(expected, actual, magnitude, old, terms, $"dW {s} at width {width}");
        }
    }

    [Avx512Theory]
    [InlineData(32, 4, 16)]  // MinAtar Breakout / Asterix
    [InlineData(3, 7, 16)]   // Freeway
    [InlineData(2, 10, 32)]  // Seaquest's channels, two groups of 16 filters
    [InlineData(5, 6, 16)]   // SpaceInvaders' channels (an odd receptive field: 54 positions, then one of 1)
    [InlineData(1, 1, 16)]   // nine positions: three kernel rows of three
    [InlineData(2, 3, 16, 5)] // 5-wide kernel rows: three positions, then two
    [InlineData(2, 2, 16, 2)] // 2-wide kernel rows: pairs only
    [InlineData(1, 1, 16, 4, 1)] // 4 × 1 kernel: no two positions side by side, single positions
    public void TheFilterLaneWeightGradientHasThe256BitKernelsBits(int n, int c, int f, int kh = 3, int kw = 0)
    {
        // The dispatcher sends OutW = 8 with 512-bit vectors to the filter-lane kernel; it must equal the 256-bit kernel
        // (which machines without AVX-512 run) bit for bit, accumulating into a non-zero dw.
        if (kw == 0) kw = kh;
        var s = new Conv2dShape(n, c, 7 + kh, 7 + kw, f, kh, kw);
        float[] x = Uniform(n * s.ImageSize, 7, density: 0.3), dy = Uniform(n * f * s.OutPlane, 8), old = Uniform(f * s.Patch, 9);
        var expected = (float[])old.Clone();
        Conv2dKernels.WeightGradientDirect<Simd256>(x, dy, expected, s, new float[s.ScratchSize]);
        var actual = (float[])old.Clone();
        Conv2dKernels.WeightGradientFilterLanes(x, dy, actual, s);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        actual = (float[])old.Clone();
        Conv2dKernels.WeightGradient(x, dy, actual, s, new float[s.ScratchSize]);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void InputGradientIsTheScalarReferenceWithinRounding(int n, int c, int h, int w, int f, int k, int stride, int pad)
    {
        var s = new Conv2dShape(n, c, h, w, f, k, k, stride, pad);
        float[] wt = Uniform(f * s.Patch, 7), dy = Uniform(n * f * s.OutPlane, 8), old = Uniform(n * s.ImageSize, 9);
        var expected = (float[])old.Clone();
        Conv2dKernels.InputGradientReference(wt, dy, expected, s);
        var magnitude = Abs(old);
        Conv2dKernels.InputGradientReference(Abs(wt), Abs(dy), magnitude, s);
        var actual = (float[])old.Clone();
        Conv2dKernels.InputGradient(wt, dy, actual, s, new float[s.ScratchSize]);
        AssertClose(expected, actual, magnitude, old, f * k * k, $"dX {s}");
    }

    [Fact]
    public void BiasGradientSumsEachFiltersPlaneOverTheBatch()
    {
        var s = new Conv2dShape(2, 1, 4, 4, 2, 3, 3);
        float[] dy = [1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, 50, 60, 70, 80];
        float[] db = [0.5f, -1f];
        Conv2dKernels.BiasGradient(dy, db, s);
        Assert.Equal([0.5f + 10 + 100, -1f + 26 + 260], db);
    }
}
