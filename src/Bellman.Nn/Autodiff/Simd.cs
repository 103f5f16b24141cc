using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Bellman.Nn.Kernels;

namespace Bellman.Nn;

/// <summary>
/// Hand-vectorised kernels where TensorPrimitives has no single call (or pays a per-call cost on short rows). Each is
/// written once, generic over the vector width (<see cref="ISimdFloat{TSelf}"/>: the widest accelerated of Vector512,
/// Vector256 and Vector128 is chosen at run time), with a scalar tail, and has a scalar reference (<c>…Reference</c>)
/// that tests compare every width against, bit for bit, over awkward lengths. All are elementwise or sum rows in
/// order, so the result does not depend on the width. Compiled fully optimised on first call.
/// </summary>
internal static unsafe class Simd
{
    /// <summary>y = max(x, 0), NaN propagated (x &lt; 0 is false for NaN, so NaN is kept).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        if (Vector512.IsHardwareAccelerated) Relu<Simd512>(x, y);
        else if (Vector256.IsHardwareAccelerated) Relu<Simd256>(x, y);
        else if (Vector128.IsHardwareAccelerated) Relu<Simd128>(x, y);
        else ReluReference(x, y);
    }

    /// <summary><see cref="Relu(ReadOnlySpan{float}, Span{float})"/> at the width <typeparamref name="TV"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Relu<TV>(ReadOnlySpan<float> x, Span<float> y) where TV : struct, ISimdFloat<TV>
    {
        int n = x.Length, i = 0;
        CheckLength(y.Length, n, nameof(y));
        fixed (float* px = x, py = y)
        {
            for (; i <= n - TV.Count; i += TV.Count) TV.Store(TV.Relu(TV.Load(px + i)), py + i);
            for (; i < n; i++) py[i] = ReluScalar(px[i]);
        }
    }

    /// <summary>The scalar reference of <see cref="Relu(ReadOnlySpan{float}, Span{float})"/>.</summary>
    internal static void ReluReference(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckLength(y.Length, x.Length, nameof(y));
        for (int i = 0; i < x.Length; i++) y[i] = ReluScalar(x[i]);
    }

    /// <summary>m[r, j] = max(m[r, j] + v[j], 0) for every row (v empty: no bias), NaN propagated.</summary>
    public static void AddRowVectorRelu(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        if (Vector512.IsHardwareAccelerated) AddRowVectorRelu<Simd512>(m, rows, cols, v);
        else if (Vector256.IsHardwareAccelerated) AddRowVectorRelu<Simd256>(m, rows, cols, v);
        else if (Vector128.IsHardwareAccelerated) AddRowVectorRelu<Simd128>(m, rows, cols, v);
        else AddRowVectorReluReference(m, rows, cols, v);
    }

    /// <summary><see cref="AddRowVectorRelu(Span{float}, int, int, ReadOnlySpan{float})"/> at the width <typeparamref name="TV"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddRowVectorRelu<TV>(Span<float> m, int rows, int cols, ReadOnlySpan<float> v) where TV : struct, ISimdFloat<TV>
    {
        CheckMatrix(m.Length, rows, cols, v.Length, allowNoVector: true);
        if (v.IsEmpty)
        {
            Relu<TV>(m[..(rows * cols)], m);
            return;
        }
        fixed (float* pm = m, pv = v)
        {
            for (int r = 0; r < rows; r++)
            {
                float* row = pm + (nint)r * cols;
                int j = 0;
                for (; j <= cols - TV.Count; j += TV.Count) TV.Store(TV.Relu(TV.Add(TV.Load(row + j), TV.Load(pv + j))), row + j);
                for (; j < cols; j++) row[j] = ReluScalar(row[j] + pv[j]);
            }
        }
    }

    /// <summary>The scalar reference of <see cref="AddRowVectorRelu(Span{float}, int, int, ReadOnlySpan{float})"/>.</summary>
    internal static void AddRowVectorReluReference(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        CheckMatrix(m.Length, rows, cols, v.Length, allowNoVector: true);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) m[r * cols + j] = ReluScalar(v.IsEmpty ? m[r * cols + j] : m[r * cols + j] + v[j]);
    }

    /// <summary>m[r, j] += v[j] for every row r of a row-major rows×cols matrix (the bias of a linear layer).</summary>
    public static void AddRowVector(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        if (Vector512.IsHardwareAccelerated) AddRowVector<Simd512>(m, rows, cols, v);
        else if (Vector256.IsHardwareAccelerated) AddRowVector<Simd256>(m, rows, cols, v);
        else if (Vector128.IsHardwareAccelerated) AddRowVector<Simd128>(m, rows, cols, v);
        else AddRowVectorReference(m, rows, cols, v);
    }

    /// <summary><see cref="AddRowVector(Span{float}, int, int, ReadOnlySpan{float})"/> at the width <typeparamref name="TV"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddRowVector<TV>(Span<float> m, int rows, int cols, ReadOnlySpan<float> v) where TV : struct, ISimdFloat<TV>
    {
        CheckMatrix(m.Length, rows, cols, v.Length, allowNoVector: false);
        fixed (float* pm = m, pv = v)
        {
            for (int r = 0; r < rows; r++)
            {
                float* row = pm + (nint)r * cols;
                int j = 0;
                for (; j <= cols - TV.Count; j += TV.Count) TV.Store(TV.Add(TV.Load(row + j), TV.Load(pv + j)), row + j);
                for (; j < cols; j++) row[j] += pv[j];
            }
        }
    }

    /// <summary>The scalar reference of <see cref="AddRowVector(Span{float}, int, int, ReadOnlySpan{float})"/>.</summary>
    internal static void AddRowVectorReference(Span<float> m, int rows, int cols, ReadOnlySpan<float> v)
    {
        CheckMatrix(m.Length, rows, cols, v.Length, allowNoVector: false);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) m[r * cols + j] += v[j];
    }

    /// <summary>dx += dy where y &gt; 0, or dx = dy where y &gt; 0 else 0 when <paramref name="overwrite"/>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, bool overwrite)
    {
        if (Vector512.IsHardwareAccelerated) ReluBackward<Simd512>(y, dy, dx, overwrite);
        else if (Vector256.IsHardwareAccelerated) ReluBackward<Simd256>(y, dy, dx, overwrite);
        else if (Vector128.IsHardwareAccelerated) ReluBackward<Simd128>(y, dy, dx, overwrite);
        else ReluBackwardReference(y, dy, dx, overwrite);
    }

    /// <summary><see cref="ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/> at the width <typeparamref name="TV"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ReluBackward<TV>(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, bool overwrite) where TV : struct, ISimdFloat<TV>
    {
        int n = y.Length, i = 0;
        CheckLength(dy.Length, n, nameof(dy));
        CheckLength(dx.Length, n, nameof(dx));
        fixed (float* py = y, pdy = dy, pdx = dx)
        {
            if (overwrite)
            {
                for (; i <= n - TV.Count; i += TV.Count) TV.Store(TV.WherePositive(TV.Load(py + i), TV.Load(pdy + i)), pdx + i);
            }
            else
            {
                for (; i <= n - TV.Count; i += TV.Count)
                    TV.Store(TV.Add(TV.Load(pdx + i), TV.WherePositive(TV.Load(py + i), TV.Load(pdy + i))), pdx + i);
            }
            for (; i < n; i++) pdx[i] = ReluBackwardScalar(py[i], pdy[i], pdx[i], overwrite);
        }
    }

    /// <summary>The scalar reference of <see cref="ReluBackward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/>.</summary>
    internal static void ReluBackwardReference(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, bool overwrite)
    {
        CheckLength(dy.Length, y.Length, nameof(dy));
        CheckLength(dx.Length, y.Length, nameof(dx));
        for (int i = 0; i < y.Length; i++) dx[i] = ReluBackwardScalar(y[i], dy[i], dx[i], overwrite);
    }

    /// <summary>
    /// dst[j] += Σ_r m[r, j] over a row-major rows×cols matrix (the bias gradient), rows added in order. Column blocks
    /// of four vectors stay in registers while the rows stream past.
    /// </summary>
    public static void AddColumnSums(ReadOnlySpan<float> m, int rows, int cols, Span<float> dst)
    {
        if (Vector512.IsHardwareAccelerated) AddColumnSums<Simd512>(m, rows, cols, dst);
        else if (Vector256.IsHardwareAccelerated) AddColumnSums<Simd256>(m, rows, cols, dst);
        else if (Vector128.IsHardwareAccelerated) AddColumnSums<Simd128>(m, rows, cols, dst);
        else AddColumnSumsReference(m, rows, cols, dst);
    }

    /// <summary><see cref="AddColumnSums(ReadOnlySpan{float}, int, int, Span{float})"/> at the width <typeparamref name="TV"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddColumnSums<TV>(ReadOnlySpan<float> m, int rows, int cols, Span<float> dst) where TV : struct, ISimdFloat<TV>
    {
        CheckMatrix(m.Length, rows, cols, dst.Length, allowNoVector: false);
        int v = TV.Count, j = 0;
        fixed (float* pm = m, pd = dst)
        {
            for (; j <= cols - 4 * v; j += 4 * v)
            {
                TV a0 = TV.Load(pd + j), a1 = TV.Load(pd + j + v), a2 = TV.Load(pd + j + 2 * v), a3 = TV.Load(pd + j + 3 * v);
                for (int r = 0; r < rows; r++)
                {
                    float* o = pm + (nint)r * cols + j;
                    a0 = TV.Add(a0, TV.Load(o));
                    a1 = TV.Add(a1, TV.Load(o + v));
                    a2 = TV.Add(a2, TV.Load(o + 2 * v));
                    a3 = TV.Add(a3, TV.Load(o + 3 * v));
                }
                TV.Store(a0, pd + j);
                TV.Store(a1, pd + j + v);
                TV.Store(a2, pd + j + 2 * v);
                TV.Store(a3, pd + j + 3 * v);
            }
            for (; j <= cols - v; j += v)
            {
                TV a0 = TV.Load(pd + j);
                for (int r = 0; r < rows; r++) a0 = TV.Add(a0, TV.Load(pm + (nint)r * cols + j));
                TV.Store(a0, pd + j);
            }
        }
        AddColumnSumsScalar(m, rows, cols, dst, j);
    }

    /// <summary>The scalar reference of <see cref="AddColumnSums(ReadOnlySpan{float}, int, int, Span{float})"/>.</summary>
    internal static void AddColumnSumsReference(ReadOnlySpan<float> m, int rows, int cols, Span<float> dst)
    {
        CheckMatrix(m.Length, rows, cols, dst.Length, allowNoVector: false);
        AddColumnSumsScalar(m, rows, cols, dst, 0);
    }

    private static void AddColumnSumsScalar(ReadOnlySpan<float> m, int rows, int cols, Span<float> dst, int start)
    {
        for (int j = start; j < cols; j++)
        {
            float s = dst[j];
            for (int r = 0; r < rows; r++) s += m[r * cols + j];
            dst[j] = s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ReluScalar(float x) => x < 0 ? 0f : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ReluBackwardScalar(float y, float dy, float dx, bool overwrite) =>
        overwrite ? (y > 0 ? dy : 0f) : (y > 0 ? dx + dy : dx);

    private static void CheckLength(int actual, int needed, string name)
    {
        if (actual < needed) throw new ArgumentException($"{name} has {actual} elements, needs {needed}.", name);
    }

    private static void CheckMatrix(int length, int rows, int cols, int vectorLength, bool allowNoVector)
    {
        if (rows < 0 || cols < 0 || length < (long)rows * cols) throw new ArgumentException($"The matrix has {length} elements, needs {rows}×{cols}.");
        if (vectorLength < cols && !(allowNoVector && vectorLength == 0)) throw new ArgumentException($"The row vector has {vectorLength} elements, needs {cols}.");
    }
}
