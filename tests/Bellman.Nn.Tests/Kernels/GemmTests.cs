using Bellman.Nn.Kernels;
using Xunit;

namespace Bellman.Nn.Tests.Kernels;

[Collection(EngineThreadsCollection.Name)]
public sealed class GemmTests
{
    private static readonly int[] Small = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33];
    private static readonly int[] Large = [63, 64, 65, 255, 257];

    /// <summary>
    /// Both sides are float32 sums of k products in different orders (the reference multiplies then adds, the kernel
    /// fuses multiply-adds in vector lanes). Each has error at most k·u·Σ|a||b| (u = 2⁻²⁴), plus one rounding u·|c|
    /// when accumulating, so their difference is bounded by twice that: a worst-case bound, yet far below the O(Σ|a||b|)
    /// error of any indexing mistake.
    /// </summary>
    private static void AssertClose(float[] expected, float[] actual, float[] a, float[] b, float[] c0, int m, int n, int k,
        bool transposeA, bool transposeB, bool accumulate, string label)
    {
        const double u = 1.0 / (1 << 24);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    magnitude += Math.Abs((double)av * bv);
                }
                if (accumulate) magnitude += Math.Abs(c0[i * n + j]);
                double tolerance = 2 * (k + 1) * u * magnitude + 1e-30;
                double diff = Math.Abs((double)expected[i * n + j] - actual[i * n + j]);
                if (!(diff <= tolerance))
                    Assert.Fail($"{label}: C[{i},{j}] = {actual[i * n + j]}, reference {expected[i * n + j]}, |diff| {diff:E2} > {tolerance:E2}");
            }
        }
        for (int e = m * n; e < actual.Length; e++)
            Assert.True(actual[e] == c0[e], $"{label}: element {e} past m×n was overwritten");
    }

    /// <summary>Deterministic values in [-1, 1) from an integer hash (no generator state needed).</summary>
    private static float[] Values(int length, uint seed)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            uint h = (uint)i * 2654435761u ^ seed * 2246822519u;
            h ^= h >> 15;
            h *= 2246822519u;
            h ^= h >> 13;
            values[i] = (h >> 8) / (float)(1 << 23) - 1f;
        }
        return values;
    }

    /// <summary>All m, n, k from the small set, and each large size combined with small and large partners.</summary>
    public static IEnumerable<(int M, int N, int K)> Shapes()
    {
        foreach (int m in Small)
            foreach (int n in Small)
                foreach (int k in Small)
                    yield return (m, n, k);
        int[] partners = [1, 3, 8, 17, 33];
        foreach (int big in Large)
        {
            foreach (int x in partners)
            {
                int y = partners[(Array.IndexOf(partners, x) + 2) % partners.Length];
                yield return (big, x, y);
                yield return (x, big, y);
                yield return (x, y, big);
            }
        }
        yield return (64, 65, 63);
        yield return (65, 257, 64);
        yield return (255, 63, 257);
        yield return (1, 257, 255);
        yield return (257, 1, 65);
    }

    public delegate void MultiplyFunction(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA, bool transposeB, bool accumulate);

    private static unsafe MultiplyFunction Width<TV>() where TV : struct, ISimdFloat<TV>
        => (a, b, c, m, n, k, transposeA, transposeB, accumulate) =>
        {
            Gemm.CheckSizes(a.Length, b.Length, c.Length, m, n, k);
            if (m == 0 || n == 0) return;
            if (k == 0)
            {
                if (!accumulate) c[..(m * n)].Clear();
                return;
            }
            fixed (float* pa = a, pb = b, pc = c)
                GemmKernel<TV>.Run(pa, pb, pc, m, n, k, transposeA, transposeB, accumulate, threads: 1);
        };

    public static TheoryData<string> Kernels() => ["Multiply", "Simd512", "Simd256", "Simd128"];

    private static MultiplyFunction Kernel(string name) => name switch
    {
        "Multiply" => Gemm.Multiply,
        "Simd512" => Width<Simd512>(),
        "Simd256" => Width<Simd256>(),
        _ => Width<Simd128>(),
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void MatchesReferenceOnAwkwardSizes(string kernel)
    {
        MultiplyFunction multiply = Kernel(kernel);
        int checkedCases = 0;
        foreach (var (m, n, k) in Shapes())
        {
            float[] a = Values(m * k, 1), b = Values(k * n, 2), c0 = Values(m * n + 3, 3);
            for (int t = 0; t < 4; t++)
            {
                bool transposeA = (t & 1) != 0, transposeB = (t & 2) != 0;
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
                    Gemm.MultiplyReference(a, b, expected, m, n, k, transposeA, transposeB, accumulate);
                    multiply(a, b, actual, m, n, k, transposeA, transposeB, accumulate);
                    AssertClose(expected, actual, a, b, c0, m, n, k, transposeA, transposeB, accumulate,
                        $"{kernel} m={m} n={n} k={k} transposeA={transposeA} transposeB={transposeB} accumulate={accumulate}");
                    checkedCases++;
                }
            }
        }
        Assert.True(checkedCases > 14000);
    }

    [Fact]
    public void NetworkShapesMatchReference()
    {
        // Forward X·Wᵀ, backward dY·W and dYᵀ·X of a 4-256-256-2 MLP at batch 64, greedy m = 1, and conv im2col products.
        (int M, int N, int K, bool TA, bool TB)[] shapes =
        [
            (64, 256, 4, false, true), (64, 256, 256, false, true), (64, 2, 256, false, true),
            (64, 256, 2, false, false), (64, 256, 256, false, false), (64, 4, 256, false, false),
            (2, 256, 64, true, false), (256, 256, 64, true, false), (256, 4, 64, true, false),
            (1, 256, 4, false, true), (1, 256, 256, false, true), (1, 2, 256, false, true), (1, 256, 256, false, false),
            (16, 100, 9, false, false), (32, 441, 288, false, false), (288, 441, 32, true, false), (32, 288, 441, false, true),
        ];
        foreach (var (m, n, k, transposeA, transposeB) in shapes)
        {
            float[] a = Values(m * k, 4), b = Values(k * n, 5), c0 = Values(m * n, 6);
            foreach (bool accumulate in new[] { false, true })
            {
                float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
                Gemm.MultiplyReference(a, b, expected, m, n, k, transposeA, transposeB, accumulate);
                Gemm.Multiply(a, b, actual, m, n, k, transposeA, transposeB, accumulate);
                AssertClose(expected, actual, a, b, c0, m, n, k, transposeA, transposeB, accumulate,
                    $"m={m} n={n} k={k} transposeA={transposeA} transposeB={transposeB} accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public void HandComputedProduct()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6], b = [7, 8, 9, 10, 11, 12], c = new float[4];
        Gemm.Multiply(a, b, c, 2, 2, 3);
        Assert.Equal([58f, 64f, 139f, 154f], c);
        Gemm.Multiply(a, b, c, 2, 2, 3, accumulate: true);
        Assert.Equal([116f, 128f, 278f, 308f], c);
        // Aᵀ stored 3×2 and Bᵀ stored 2×3 give the same product.
        float[] aT = [1, 4, 2, 5, 3, 6], bT = [7, 9, 11, 8, 10, 12];
        Gemm.Multiply(aT, bT, c, 2, 2, 3, transposeA: true, transposeB: true);
        Assert.Equal([58f, 64f, 139f, 154f], c);
    }

    [Theory]
    [InlineData(5, 12, 6, "A has 5 elements, needs 2×3")]
    [InlineData(6, 11, 6, "B has 11 elements, needs 3×4")]
    [InlineData(6, 12, 7, "C has 7 elements, needs 2×4")]
    public void ShortSpansThrowNamingTheSizes(int aLength, int bLength, int cLength, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(new float[aLength], new float[bLength], new float[cLength], 2, 4, 3));
        Assert.Contains(message, ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Gemm.MultiplyReference(new float[aLength], new float[bLength], new float[cLength], 2, 4, 3));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void NegativeDimensionThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[4], new float[4], new float[4], 2, -1, 2));
        Assert.Contains("n=-1", ex.Message);
    }

    [Fact]
    public void MaxThreadsRejectsZero()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxThreads = 0);

    [Fact]
    public void MultithreadedIsBitIdenticalToSingleThreaded()
    {
        // Above Gemm.ParallelThreshold; n = 17 has one panel, so that case splits rows instead of panels.
        (int M, int N, int K)[] shapes = [(128, 256, 128), (130, 100, 200), (1024, 17, 256), (33, 1000, 97)];
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (var (m, n, k) in shapes)
            {
                Assert.True((long)m * n * k >= Gemm.ParallelThreshold);
                float[] a = Values(m * k, 7), b = Values(k * n, 8), c0 = Values(m * n, 9);
                for (int t = 0; t < 8; t++)
                {
                    bool transposeA = (t & 1) != 0, transposeB = (t & 2) != 0, accumulate = (t & 4) != 0;
                    float[] single = (float[])c0.Clone(), multi = (float[])c0.Clone();
                    Gemm.MaxThreads = 1;
                    Gemm.Multiply(a, b, single, m, n, k, transposeA, transposeB, accumulate);
                    Gemm.MaxThreads = 3;
                    Gemm.Multiply(a, b, multi, m, n, k, transposeA, transposeB, accumulate);
                    for (int e = 0; e < single.Length; e++)
                        if (BitConverter.SingleToInt32Bits(single[e]) != BitConverter.SingleToInt32Bits(multi[e]))
                            Assert.Fail($"m={m} n={n} k={k} t={t}: element {e} differs: {single[e]} vs {multi[e]}");
                }
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    [Fact]
    public void SingleThreadedCallsDoNotAllocateOnceWarm()
    {
        // One shape per path: tiles (NN, NT, TN), m = 1 row times matrix, dot products, Cᵀ through the tiles.
        (int M, int N, int K, bool TA, bool TB)[] shapes =
        [
            (64, 100, 64, false, false), (64, 100, 64, false, true), (64, 100, 64, true, false),
            (1, 100, 64, false, false), (1, 100, 64, false, true), (64, 3, 64, false, false), (64, 3, 64, true, false),
        ];
        foreach (var (m, n, k, transposeA, transposeB) in shapes)
        {
            float[] a = Values(m * k, 12), b = Values(k * n, 13), c = new float[m * n];
            Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 3; i++) Gemm.Multiply(a, b, c, m, n, k, transposeA, transposeB, accumulate: true);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"m={m} n={n} k={k} transposeA={transposeA} transposeB={transposeB}: {allocated} bytes allocated");
        }
    }

    [Fact]
    public void RowVectorTimesMatrixEqualsItsRowOfTheBatchBitwise()
    {
        // The m = 1 path for op(B) = B and the register tiles sum each element in the same order.
        const int m = 19, n = 70, k = 45;
        float[] a = Values(m * k, 14), b = Values(k * n, 15), batch = new float[m * n], row = new float[n];
        Gemm.Multiply(a, b, batch, m, n, k);
        for (int i = 0; i < m; i++)
        {
            Gemm.Multiply(a.AsSpan(i * k, k), b, row, 1, n, k);
            Assert.Equal(batch.AsSpan(i * n, n).ToArray(), row);
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void WideRowVectorTimesMatrixEqualsItsRowOfTheBatchBitwiseAtEveryWidth(string kernel)
    {
        // Column counts that reach the eight-, four- and one-vector blocks and the scalar tail of the m = 1 path.
        MultiplyFunction multiply = Kernel(kernel);
        foreach (int n in new[] { 8, 17, 64, 127, 128, 129, 256, 300 })
        {
            const int m = 11, k = 37;
            float[] a = Values(m * k, 21), b = Values(k * n, 22), batch = new float[m * n], row = new float[n];
            multiply(a, b, batch, m, n, k, false, false, false);
            for (int i = 0; i < m; i++)
            {
                multiply(a.AsSpan(i * k, k), b, row, 1, n, k, false, false, false);
                Assert.True(batch.AsSpan(i * n, n).SequenceEqual(row), $"{kernel} n={n} row {i}");
            }
        }
    }

    [Fact]
    public void TransposeMovesEveryElementAndNothingElse()
    {
        // Sizes on both sides of the 8 × 8 register blocks, and the destination's tail must stay untouched.
        foreach (var (rows, cols) in new[] { (0, 5), (1, 1), (3, 17), (8, 8), (9, 16), (16, 9), (256, 4), (4, 256), (33, 65), (65, 33), (256, 256) })
        {
            float[] source = Values(rows * cols, 31), destination = Values(rows * cols + 3, 32);
            float[] tail = destination[(rows * cols)..];
            Gemm.Transpose(source, rows, cols, destination);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    Assert.True(destination[j * rows + i] == source[i * cols + j], $"{rows}x{cols}: element ({i}, {j})");
            Assert.Equal(tail, destination[(rows * cols)..]);
        }
    }

    [Fact]
    public void TransposeRejectsShortAndOverlappingSpans()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.Transpose(new float[5], 2, 3, new float[6]));
        Assert.Contains("2×3 needs 6 elements; source has 5", error.Message);
        float[] both = new float[12];
        Assert.Contains("overlap", Assert.Throws<ArgumentException>(() => Gemm.Transpose(both.AsSpan(0, 6), 2, 3, both.AsSpan(3, 6))).Message);
    }

    [Fact]
    public void NarrowOutputWithTransposedAEqualsTheWideTileProductBitwise()
    {
        // n = 3 with A stored k × m goes through Cᵀ = op(B)ᵀ·op(A)ᵀ; padding B with zero columns to n = 40 sends the
        // same product through the ordinary tiles. Both sum each element in the same order, so the bits agree.
        const int m = 70, k = 29, n = 3, wide = 40;
        float[] aT = Values(k * m, 16), b = Values(k * n, 17), bWide = new float[k * wide];
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
                bWide[p * wide + j] = b[p * n + j];
        float[] narrow = Values(m * n, 18), padded = new float[m * wide];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                padded[i * wide + j] = narrow[i * n + j];
        Gemm.Multiply(aT, b, narrow, m, n, k, transposeA: true, accumulate: true);
        Gemm.Multiply(aT, bWide, padded, m, wide, k, transposeA: true, accumulate: true);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(padded[i * wide + j], narrow[i * n + j]);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void TransposedBEqualsThePlainLayoutBitwiseAtEveryRowCount(string kernel)
    {
        // op(B) = Bᵀ takes the tiles over packed Bᵀ, or, with fewer rows than columns (a Linear forward x·Wᵀ),
        // Cᵀ = B·Aᵀ; either way each element is the same fma chain over p as the product with B stored k × n.
        MultiplyFunction multiply = Kernel(kernel);
        foreach (var (m, n, k) in new[] { (8, 70, 45), (19, 70, 45), (32, 128, 200), (33, 129, 67), (64, 256, 256), (70, 40, 33), (9, 300, 17) })
        {
            float[] a = Values(m * k, 31), bT = Values(n * k, 32), b = new float[k * n];
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++)
                    b[p * n + j] = bT[j * k + p];
            foreach (bool accumulate in new[] { false, true })
            {
                float[] viaT = Values(m * n, 33), plain = Values(m * n, 33);
                multiply(a, bT, viaT, m, n, k, false, true, accumulate);
                multiply(a, b, plain, m, n, k, false, false, accumulate);
                Assert.True(plain.AsSpan().SequenceEqual(viaT), $"{kernel} m={m} n={n} k={k} accumulate={accumulate}");
            }
        }
    }

    [Fact]
    public void RepeatedCallsGiveIdenticalBits()
    {
        float[] a = Values(37 * 91, 10), b = Values(91 * 45, 11);
        float[] first = new float[37 * 45], second = new float[37 * 45];
        Gemm.Multiply(a, b, first, 37, 45, 91, transposeB: true);
        Gemm.Multiply(a, b, second, 37, 45, 91, transposeB: true);
        Assert.Equal(first, second);
    }
}
