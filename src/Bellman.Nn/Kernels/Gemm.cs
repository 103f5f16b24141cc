using System.Runtime.Intrinsics;

namespace Bellman.Nn.Kernels;

/// <summary>
/// General matrix multiply on row-major float32 spans: C (m×n) = op(A) · op(B), or C += op(A) · op(B)
/// when <c>accumulate</c> is true. op(A) is m×k: A is stored m×k, or k×m when <c>transposeA</c>.
/// op(B) is k×n: B is stored k×n, or n×k when <c>transposeB</c>.
/// </summary>
public static class Gemm
{
    /// <summary>
    /// The most threads one <see cref="Multiply"/> call may use: <see cref="EngineThreads.Max"/> (default 1). Products of
    /// at least <see cref="ParallelThreshold"/> multiply-adds are split over output panels or rows, so every element is
    /// summed exactly as single-threaded and the result is bit-identical for any setting. A parallel call allocates a
    /// little (the closure handed to the engine threads); a single-threaded one allocates nothing once its scratch has grown.
    /// </summary>
    public static int MaxThreads
    {
        get => EngineThreads.Max;
        set => EngineThreads.Max = value;
    }

    /// <summary>The smallest m·n·k for which <see cref="Multiply"/> uses more than one thread.</summary>
    public const long ParallelThreshold = 1L << 21;

    /// <summary>
    /// The fast kernel: SIMD register tiles at the widest accelerated vector width (Vector512, else Vector256,
    /// else Vector128, else the scalar reference), op(B) packed into a thread-local panel when transposed, and
    /// row-vector / dot-product paths for m = 1 and narrow outputs. Most shapes sum each element as a fused
    /// multiply-add chain over p = 0..k−1 in order (then add the old C when <paramref name="accumulate"/>); in all
    /// cases the order depends only on (m, n, k, transposes), so equal inputs give equal bits for any <see cref="MaxThreads"/>.
    /// Spans may be longer than needed (only the first m·k, k·n, m·n elements are used); C must not overlap A or B.
    /// </summary>
    /// <param name="a">op(A) storage: m×k row-major, or k×m when <paramref name="transposeA"/>.</param>
    /// <param name="b">op(B) storage: k×n row-major, or n×k when <paramref name="transposeB"/>.</param>
    /// <param name="c">The m×n row-major destination.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="transposeA">Whether A is stored k×m.</param>
    /// <param name="transposeB">Whether B is stored n×k.</param>
    /// <param name="accumulate">Whether to add to C instead of overwriting it.</param>
    /// <exception cref="ArgumentException">A dimension is negative or a span is shorter than its matrix.</exception>
    public static unsafe void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        CheckSizes(a.Length, b.Length, c.Length, m, n, k);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }

        int threads = EngineThreads.Max > 1 && (long)m * n * k >= ParallelThreshold ? EngineThreads.Max : 1;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (Vector512.IsHardwareAccelerated)
                GemmKernel<Simd512>.Run(pa, pb, pc, m, n, k, transposeA, transposeB, accumulate, threads);
            else if (Vector256.IsHardwareAccelerated)
                GemmKernel<Simd256>.Run(pa, pb, pc, m, n, k, transposeA, transposeB, accumulate, threads);
            else if (Vector128.IsHardwareAccelerated)
                GemmKernel<Simd128>.Run(pa, pb, pc, m, n, k, transposeA, transposeB, accumulate, threads);
            else
                MultiplyReference(a, b, c, m, n, k, transposeA, transposeB, accumulate);
        }
    }

    /// <summary>
    /// Whether a product with <paramref name="n"/> output columns and op(B) = Bᵀ takes the dot-product path at every
    /// row count (fewer than half a vector of columns), rather than the register tiles from 8 rows on. A batch-1
    /// forward (<see cref="Layers.BatchOneForward"/>) uses this to follow the batched forward's summation order.
    /// </summary>
    internal static bool UsesDotProducts(int n) =>
        Vector512.IsHardwareAccelerated ? GemmKernel<Simd512>.FewColumns(n)
        : Vector256.IsHardwareAccelerated ? GemmKernel<Simd256>.FewColumns(n)
        : Vector128.IsHardwareAccelerated && GemmKernel<Simd128>.FewColumns(n);

    /// <summary>Writes the transpose of the <paramref name="rows"/> × <paramref name="cols"/> row-major <paramref name="source"/> into <paramref name="destination"/> (cols × rows).</summary>
    /// <exception cref="ArgumentException">A dimension is negative or a span is too short.</exception>
    public static unsafe void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        if (rows < 0 || cols < 0) throw new ArgumentException($"Gemm.Transpose: dimensions must be non-negative: rows={rows}, cols={cols}.");
        if (source.Length < (long)rows * cols || destination.Length < (long)rows * cols)
            throw new ArgumentException($"Gemm.Transpose: {rows}×{cols} needs {(long)rows * cols} elements; source has {source.Length}, destination {destination.Length}.");
        if (source[..(rows * cols)].Overlaps((ReadOnlySpan<float>)destination[..(rows * cols)])) throw new ArgumentException("Gemm.Transpose: source and destination overlap.");
        fixed (float* s = source, d = destination) GemmKernel<Simd128>.Transpose(s, rows, cols, d);
    }

    /// <summary>The plain scalar reference that tests and benchmarks compare the fast kernel against.</summary>
    public static void MultiplyReference(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
    {
        CheckSizes(a.Length, b.Length, c.Length, m, n, k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    internal static void CheckSizes(int aLength, int bLength, int cLength, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm dimensions must be non-negative: m={m}, n={n}, k={k}.");
        if (aLength < (long)m * k) throw new ArgumentException($"Gemm: A has {aLength} elements, needs {m}×{k}.");
        if (bLength < (long)k * n) throw new ArgumentException($"Gemm: B has {bLength} elements, needs {k}×{n}.");
        if (cLength < (long)m * n) throw new ArgumentException($"Gemm: C has {cLength} elements, needs {m}×{n}.");
    }
}
