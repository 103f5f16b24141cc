using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bellman.Backgammon.TdGammon;

/// <summary>
/// The few vector kernels of the TD-Gammon fast path, over spans with <see cref="Vector{T}"/> and a scalar
/// tail. They are compiled fully optimised at first call (no tier-0 phase), so self-play is fast from its
/// first game.
/// </summary>
internal static class SpanMath
{
    /// <summary>y ← y + a·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        int n = y.Length, i = 0;
        if (x.Length < n) throw new ArgumentException("x is shorter than y.", nameof(x));
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x[..n]);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var av = new Vector<float>(a);
            for (int k = 0; k < yv.Length; k++) yv[k] += av * xv[k];
            i = yv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) y[i] += a * x[i];
    }

    /// <summary>y ← y + x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int n = y.Length, i = 0;
        if (x.Length < n) throw new ArgumentException("x is shorter than y.", nameof(x));
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x[..n]);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int k = 0; k < yv.Length; k++) yv[k] += xv[k];
            i = yv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) y[i] += x[i];
    }

    /// <summary>y ← a·y + x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleAdd(Span<float> y, float a, ReadOnlySpan<float> x)
    {
        int n = y.Length, i = 0;
        if (x.Length < n) throw new ArgumentException("x is shorter than y.", nameof(x));
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x[..n]);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var av = new Vector<float>(a);
            for (int k = 0; k < yv.Length; k++) yv[k] = av * yv[k] + xv[k];
            i = yv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) y[i] = a * y[i] + x[i];
    }

    /// <summary>y ← a·y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scale(Span<float> y, float a)
    {
        int n = y.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var av = new Vector<float>(a);
            for (int k = 0; k < yv.Length; k++) yv[k] *= av;
            i = yv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) y[i] *= a;
    }

    /// <summary>Σ x_i y_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length, i = 0;
        if (y.Length < n) throw new ArgumentException("y is shorter than x.", nameof(y));
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y[..n]);
            var acc = Vector<float>.Zero;
            for (int k = 0; k < xv.Length; k++) acc += xv[k] * yv[k];
            sum = Vector.Sum(acc);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < n; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>x ← σ(x) elementwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = 1f / (1f + MathF.Exp(-x[i]));
    }
}
