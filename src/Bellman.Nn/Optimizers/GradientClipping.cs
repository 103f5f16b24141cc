using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Bellman.Nn.Optimizers;

/// <summary>Gradient-norm clipping and finiteness checks over the gradients of parameters that require them.</summary>
public static class GradientClipping
{
    /// <summary>The additive guard in the clip coefficient, as torch.nn.utils.clip_grad_norm_.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>
    /// torch.nn.utils.clip_grad_norm_ with the L2 norm: ‖g‖ = √(Σₚ Σᵢ gₚᵢ²) over parameters with
    /// <see cref="Parameter.RequiresGrad"/>; c = maxNorm / (‖g‖ + 1e-6); when c &lt; 1 every gradient is
    /// multiplied by c. Returns ‖g‖ (before clipping). The sum is accumulated in double in a fixed order
    /// (<see cref="SumOfSquares"/>), so the result does not depend on the SIMD width. A non-finite norm
    /// means a non-finite gradient: with +∞ the gradients are scaled by 0 (∞ and NaN entries become NaN),
    /// with NaN nothing is scaled, as in PyTorch; check <see cref="AllFinite"/> or the result first.
    /// </summary>
    public static double ClipGradNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (double.IsNaN(maxNorm) || maxNorm < 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be non-negative.");
        double sum = 0;
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].RequiresGrad) sum += SumOfSquares(parameters[i].Grad);
        double total = Math.Sqrt(sum);
        double coefficient = maxNorm / (total + Epsilon);
        if (coefficient < 1)
        {
            float c = (float)coefficient;
            for (int i = 0; i < parameters.Count; i++)
                if (parameters[i].RequiresGrad) TensorPrimitives.Multiply(parameters[i].Grad, c, parameters[i].Grad);
        }
        return total;
    }

    /// <summary>Whether every gradient of a parameter that requires one is finite (no NaN, no ±∞).</summary>
    public static bool AllFinite(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].RequiresGrad && !TensorPrimitives.IsFiniteAll<float>(parameters[i].Grad)) return false;
        return true;
    }

    /// <summary>
    /// Σᵢ xᵢ² in double, in a fixed order: sixteen lane sums sᵣ = Σⱼ x²₁₆ⱼ₊ᵣ over the whole blocks of 16,
    /// added as s₀ + s₁ + … + s₁₅, then the tail elements in order. Squares of floats are exact in double.
    /// The SIMD paths (two Vector512&lt;double&gt; of lanes, or four Vector256&lt;double&gt; where 512 bits are not
    /// accelerated: AVX2) and <see cref="SumOfSquaresReference"/> agree bit for bit.
    /// </summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        if (!Vector512.IsHardwareAccelerated) return Vector256.IsHardwareAccelerated ? SumOfSquares256(x) : SumOfSquaresReference(x);
        var lo = Vector512<double>.Zero;
        var hi = Vector512<double>.Zero;
        int i = 0;
        for (; i <= x.Length - 16; i += 16)
        {
            var (a, b) = Vector512.Widen(Vector512.Create(x.Slice(i, 16)));
            lo += a * a;
            hi += b * b;
        }
        Span<double> lanes = stackalloc double[16];
        lo.CopyTo(lanes);
        hi.CopyTo(lanes[8..]);
        return AddLanesAndTail(lanes, x, i);
    }

    /// <summary>The lanes of <see cref="SumOfSquares"/> in four Vector256&lt;double&gt;: lanes 0–3, 4–7, 8–11, 12–15 of each block.</summary>
    private static double SumOfSquares256(ReadOnlySpan<float> x)
    {
        var s0 = Vector256<double>.Zero;
        var s1 = Vector256<double>.Zero;
        var s2 = Vector256<double>.Zero;
        var s3 = Vector256<double>.Zero;
        int i = 0;
        for (; i <= x.Length - 16; i += 16)
        {
            var (a, b) = Vector256.Widen(Vector256.Create(x.Slice(i, 8)));
            var (c, d) = Vector256.Widen(Vector256.Create(x.Slice(i + 8, 8)));
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        Span<double> lanes = stackalloc double[16];
        s0.CopyTo(lanes);
        s1.CopyTo(lanes[4..]);
        s2.CopyTo(lanes[8..]);
        s3.CopyTo(lanes[12..]);
        return AddLanesAndTail(lanes, x, i);
    }

    /// <summary>The scalar reference of <see cref="SumOfSquares"/>.</summary>
    public static double SumOfSquaresReference(ReadOnlySpan<float> x)
    {
        Span<double> lanes = stackalloc double[16];
        lanes.Clear();
        int i = 0;
        for (; i <= x.Length - 16; i += 16)
            for (int r = 0; r < 16; r++)
            {
                double v = x[i + r];
                lanes[r] += v * v;
            }
        return AddLanesAndTail(lanes, x, i);
    }

    private static double AddLanesAndTail(ReadOnlySpan<double> lanes, ReadOnlySpan<float> x, int start)
    {
        double sum = 0;
        for (int r = 0; r < 16; r++) sum += lanes[r];
        for (int i = start; i < x.Length; i++)
        {
            double v = x[i];
            sum += v * v;
        }
        return sum;
    }
}
