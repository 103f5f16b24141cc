using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Bellman.Nn;

/// <summary>
/// Hand-vectorised kernels where TensorPrimitives has no single call (or pays a per-call cost on short
/// rows): Vector512 when available, then Vector256, then a scalar tail. Each has a scalar-equivalent
/// definition in its summary; tests reach every path through awkward sizes.
/// </summary>
internal static class Simd
{
    /// <summary>y = max(x, 0), NaN propagated (x &lt; 0 is false for NaN, so NaN is kept).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length, i = 0;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref rx, (nuint)i);
                Vector512.AndNot(v, Vector512.LessThan(v, Vector512<float>.Zero)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref rx, (nuint)i);
                Vector256.AndNot(v, Vector256.LessThan(v, Vector256<float>.Zero)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref rx, i);
            Unsafe.Add(ref ry, i) = v < 0 ? 0f : v;
        }
    }

    /// <summary>m[r, j] = max(m[r, j] + v[j], 0) for every row (v empty: no bias), NaN propagated.</summary>
    public static void AddRowVectorRelu(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        if (v.IsEmpty)
        {
            Relu(m[..(rows * cols)], m);
            return;
        }
        ref float rm = ref MemoryMarshal.GetReference(m);
        ref float rv = ref MemoryMarshal.GetReference(v);
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref rm, r * cols);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= cols - 16; j += 16)
                {
                    var s = Vector512.LoadUnsafe(ref row, (nuint)j) + Vector512.LoadUnsafe(ref rv, (nuint)j);
                    Vector512.AndNot(s, Vector512.LessThan(s, Vector512<float>.Zero)).StoreUnsafe(ref row, (nuint)j);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= cols - 8; j += 8)
                {
                    var s = Vector256.LoadUnsafe(ref row, (nuint)j) + Vector256.LoadUnsafe(ref rv, (nuint)j);
                    Vector256.AndNot(s, Vector256.LessThan(s, Vector256<float>.Zero)).StoreUnsafe(ref row, (nuint)j);
                }
            }
            for (; j < cols; j++)
            {
                float s = Unsafe.Add(ref row, j) + Unsafe.Add(ref rv, j);
                Unsafe.Add(ref row, j) = s < 0 ? 0f : s;
            }
        }
    }

    /// <summary>m[r, j] += v[j] for every row r of a row-major rows×cols matrix (the bias of a linear layer).</summary>
    public static void AddRowVector(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        ref float rm = ref MemoryMarshal.GetReference(m);
        ref float rv = ref MemoryMarshal.GetReference(v);
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref rm, r * cols);
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; j <= cols - 16; j += 16)
                    (Vector512.LoadUnsafe(ref row, (nuint)j) + Vector512.LoadUnsafe(ref rv, (nuint)j)).StoreUnsafe(ref row, (nuint)j);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j <= cols - 8; j += 8)
                    (Vector256.LoadUnsafe(ref row, (nuint)j) + Vector256.LoadUnsafe(ref rv, (nuint)j)).StoreUnsafe(ref row, (nuint)j);
            }
            for (; j < cols; j++) Unsafe.Add(ref row, j) += Unsafe.Add(ref rv, j);
        }
    }

    /// <summary>dx += dy where y &gt; 0, or dx = dy where y &gt; 0 else 0 when <paramref name="overwrite"/> (Vector512/Vector256 with a scalar tail).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, bool overwrite)
    {
        int n = y.Length, i = 0;
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rdy = ref MemoryMarshal.GetReference(dy);
        ref float rdx = ref MemoryMarshal.GetReference(dx);
        if (overwrite)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    var mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref ry, (nuint)i), Vector512<float>.Zero);
                    (Vector512.LoadUnsafe(ref rdy, (nuint)i) & mask).StoreUnsafe(ref rdx, (nuint)i);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - 8; i += 8)
                {
                    var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ry, (nuint)i), Vector256<float>.Zero);
                    (Vector256.LoadUnsafe(ref rdy, (nuint)i) & mask).StoreUnsafe(ref rdx, (nuint)i);
                }
            }
            for (; i < n; i++) Unsafe.Add(ref rdx, i) = Unsafe.Add(ref ry, i) > 0 ? Unsafe.Add(ref rdy, i) : 0f;
            return;
        }
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var mask = Vector512.GreaterThan(Vector512.LoadUnsafe(ref ry, (nuint)i), Vector512<float>.Zero);
                var g = Vector512.LoadUnsafe(ref rdx, (nuint)i) + (Vector512.LoadUnsafe(ref rdy, (nuint)i) & mask);
                g.StoreUnsafe(ref rdx, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ry, (nuint)i), Vector256<float>.Zero);
                var g = Vector256.LoadUnsafe(ref rdx, (nuint)i) + (Vector256.LoadUnsafe(ref rdy, (nuint)i) & mask);
                g.StoreUnsafe(ref rdx, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            if (Unsafe.Add(ref ry, i) > 0) Unsafe.Add(ref rdx, i) += Unsafe.Add(ref rdy, i);
        }
    }

    /// <summary>
    /// dst[j] += Σ_r m[r, j] over a row-major rows×cols matrix (the bias gradient), rows added in order.
    /// Column blocks of 64 stay in four Vector512 registers while the rows stream past.
    /// </summary>
    public static void AddColumnSums(ReadOnlySpan<float> m, int rows, int cols, Span<float> dst)
    {
        ref float rm = ref MemoryMarshal.GetReference(m);
        ref float rd = ref MemoryMarshal.GetReference(dst);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= cols - 64; j += 64)
            {
                var a0 = Vector512.LoadUnsafe(ref rd, (nuint)j);
                var a1 = Vector512.LoadUnsafe(ref rd, (nuint)(j + 16));
                var a2 = Vector512.LoadUnsafe(ref rd, (nuint)(j + 32));
                var a3 = Vector512.LoadUnsafe(ref rd, (nuint)(j + 48));
                for (int r = 0; r < rows; r++)
                {
                    nuint o = (nuint)(r * cols + j);
                    a0 += Vector512.LoadUnsafe(ref rm, o);
                    a1 += Vector512.LoadUnsafe(ref rm, o + 16);
                    a2 += Vector512.LoadUnsafe(ref rm, o + 32);
                    a3 += Vector512.LoadUnsafe(ref rm, o + 48);
                }
                a0.StoreUnsafe(ref rd, (nuint)j);
                a1.StoreUnsafe(ref rd, (nuint)(j + 16));
                a2.StoreUnsafe(ref rd, (nuint)(j + 32));
                a3.StoreUnsafe(ref rd, (nuint)(j + 48));
            }
            for (; j <= cols - 16; j += 16)
            {
                var a0 = Vector512.LoadUnsafe(ref rd, (nuint)j);
                for (int r = 0; r < rows; r++) a0 += Vector512.LoadUnsafe(ref rm, (nuint)(r * cols + j));
                a0.StoreUnsafe(ref rd, (nuint)j);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= cols - 8; j += 8)
            {
                var a0 = Vector256.LoadUnsafe(ref rd, (nuint)j);
                for (int r = 0; r < rows; r++) a0 += Vector256.LoadUnsafe(ref rm, (nuint)(r * cols + j));
                a0.StoreUnsafe(ref rd, (nuint)j);
            }
        }
        for (; j < cols; j++)
        {
            float s = Unsafe.Add(ref rd, j);
            for (int r = 0; r < rows; r++) s += Unsafe.Add(ref rm, r * cols + j);
            Unsafe.Add(ref rd, j) = s;
        }
    }

}
