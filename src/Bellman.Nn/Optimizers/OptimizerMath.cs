using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Bellman.Nn.Optimizers;

/// <summary>Coefficients of one SGD update, as float32 (PyTorch casts its Python-float scalars to the tensor type).</summary>
/// <param name="LearningRate">γ.</param>
/// <param name="WeightDecay">λ, L2 penalty added to the gradient.</param>
/// <param name="Momentum">μ; 0 disables the momentum buffer.</param>
/// <param name="OneMinusDampening">1 − τ, computed in double before rounding (as PyTorch's Python-float alpha).</param>
/// <param name="Nesterov">Whether to use Nesterov momentum.</param>
/// <param name="FirstStep">Whether this is the parameter's first update (the buffer is then set to the gradient).</param>
public readonly record struct SgdCoefficients(float LearningRate, float WeightDecay, float Momentum, float OneMinusDampening, bool Nesterov, bool FirstStep)
{
    /// <summary>The coefficients from double hyperparameters.</summary>
    public static SgdCoefficients Create(double learningRate, double weightDecay, double momentum, double dampening, bool nesterov, bool firstStep) =>
        new((float)learningRate, (float)weightDecay, (float)momentum, (float)(1 - dampening), nesterov, firstStep);
}

/// <summary>Coefficients of one Adam/AdamW update; <see cref="StepSize"/> and <see cref="BiasCorrection2Sqrt"/> carry the bias correction.</summary>
/// <param name="Beta1">β₁.</param>
/// <param name="OneMinusBeta1">1 − β₁, computed in double before rounding (PyTorch passes it as a Python float).</param>
/// <param name="Beta2">β₂.</param>
/// <param name="OneMinusBeta2">1 − β₂, computed in double before rounding; float32 1 − 0.999f would be off by 1.3e-5 relative.</param>
/// <param name="Eps">ε, added to √v̂.</param>
/// <param name="WeightDecay">λ as an L2 penalty added to the gradient (Adam); 0 for AdamW.</param>
/// <param name="DecayFactor">Multiplies θ before the update: 1 − γλ for AdamW's decoupled decay, 1 for Adam.</param>
/// <param name="StepSize">γ / (1 − β₁ᵗ).</param>
/// <param name="BiasCorrection2Sqrt">√(1 − β₂ᵗ).</param>
/// <param name="AmsGrad">Whether to divide by the running maximum of v (AMSGrad).</param>
public readonly record struct AdamCoefficients(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Eps, float WeightDecay, float DecayFactor, float StepSize, float BiasCorrection2Sqrt, bool AmsGrad)
{
    /// <summary>
    /// The coefficients of step <paramref name="step"/> (1-based), computed in double as PyTorch computes its
    /// Python-float scalars and then rounded to float32.
    /// </summary>
    public static AdamCoefficients Create(double learningRate, double beta1, double beta2, double eps, double l2WeightDecay, double decoupledWeightDecay, bool amsGrad, long step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        return new AdamCoefficients((float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)eps, (float)l2WeightDecay,
            (float)(1 - learningRate * decoupledWeightDecay), (float)(learningRate / biasCorrection1), (float)Math.Sqrt(biasCorrection2), amsGrad);
    }
}

/// <summary>Coefficients of one RMSprop update.</summary>
/// <param name="LearningRate">γ.</param>
/// <param name="Alpha">α, the smoothing constant.</param>
/// <param name="OneMinusAlpha">1 − α, computed in double before rounding.</param>
/// <param name="Eps">ε, added to √ṽ.</param>
/// <param name="WeightDecay">λ, L2 penalty added to the gradient.</param>
/// <param name="Momentum">μ; 0 disables the momentum buffer.</param>
/// <param name="Centered">Whether to subtract the squared running mean of the gradient from v.</param>
/// <param name="EpsInsideSqrt">a = √(ṽ + ε) as TensorFlow and SB3's RMSpropTFLike, instead of PyTorch's √ṽ + ε.</param>
public readonly record struct RmsPropCoefficients(float LearningRate, float Alpha, float OneMinusAlpha, float Eps, float WeightDecay, float Momentum, bool Centered, bool EpsInsideSqrt = false)
{
    /// <summary>The coefficients from double hyperparameters.</summary>
    public static RmsPropCoefficients Create(double learningRate, double alpha, double eps, double weightDecay, double momentum, bool centered, bool epsInsideSqrt = false) =>
        new((float)learningRate, (float)alpha, (float)(1 - alpha), (float)eps, (float)weightDecay, (float)momentum, centered, epsInsideSqrt);
}

/// <summary>
/// The elementwise update rules of the optimizers, as static functions over spans. Each has a SIMD version
/// (Vector512 or Vector256, chosen at run time) and a scalar reference that performs the same float32
/// operations in the same order, so the two agree bit for bit. Operation order follows PyTorch's CPU kernels
/// (e.g. addcdiv computes θ + (value·t₁)/t₂).
/// </summary>
public static class OptimizerMath
{
    /// <summary>
    /// SGD (torch.optim.SGD): g ← g + λθ; if μ ≠ 0: b ← g on the first step, else b ← μb + (1 − τ)g, and
    /// g ← g + μb (Nesterov) or g ← b; finally θ ← θ − γg. <paramref name="momentumBuffer"/> may be empty when μ = 0.
    /// </summary>
    public static void SgdStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdCoefficients c)
    {
        CheckLengths(param, grad, momentumBuffer, c.Momentum != 0, "momentum buffer");
        float negLr = -c.LearningRate, wd = c.WeightDecay, mu = c.Momentum, oneMinusDamp = c.OneMinusDampening;
        bool useMomentum = mu != 0, first = c.FirstStep, nesterov = c.Nesterov;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= param.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var p = Vector512.Create(param.Slice(i, Vector512<float>.Count));
                var d = Vector512.Create(grad.Slice(i, Vector512<float>.Count));
                if (wd != 0) d += wd * p;
                if (useMomentum)
                {
                    var b = first ? d : Vector512.Create(momentumBuffer.Slice(i, Vector512<float>.Count)) * mu + oneMinusDamp * d;
                    b.CopyTo(momentumBuffer.Slice(i));
                    d = nesterov ? d + mu * b : b;
                }
                (p + negLr * d).CopyTo(param.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= param.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var p = Vector256.Create(param.Slice(i, Vector256<float>.Count));
                var d = Vector256.Create(grad.Slice(i, Vector256<float>.Count));
                if (wd != 0) d += wd * p;
                if (useMomentum)
                {
                    var b = first ? d : Vector256.Create(momentumBuffer.Slice(i, Vector256<float>.Count)) * mu + oneMinusDamp * d;
                    b.CopyTo(momentumBuffer.Slice(i));
                    d = nesterov ? d + mu * b : b;
                }
                (p + negLr * d).CopyTo(param.Slice(i));
            }
        }
        SgdScalar(param, grad, momentumBuffer, c, i);
    }

    /// <summary>The scalar reference of <see cref="SgdStep"/>.</summary>
    public static void SgdStepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdCoefficients c)
    {
        CheckLengths(param, grad, momentumBuffer, c.Momentum != 0, "momentum buffer");
        SgdScalar(param, grad, momentumBuffer, c, 0);
    }

    private static void SgdScalar(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdCoefficients c, int start)
    {
        float negLr = -c.LearningRate, wd = c.WeightDecay, mu = c.Momentum, oneMinusDamp = c.OneMinusDampening;
        for (int i = start; i < param.Length; i++)
        {
            float p = param[i], d = grad[i];
            if (wd != 0) d += wd * p;
            if (mu != 0)
            {
                float b = c.FirstStep ? d : momentumBuffer[i] * mu + oneMinusDamp * d;
                momentumBuffer[i] = b;
                d = c.Nesterov ? d + mu * b : b;
            }
            param[i] = p + negLr * d;
        }
    }

    /// <summary>
    /// Adam / AdamW (torch.optim.Adam, torch.optim.AdamW): θ ← θ·(1 − γλ_decoupled); g ← g + λθ;
    /// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; with AMSGrad v_max ← max(v_max, v) replaces v below;
    /// denom ← √v / √(1 − β₂ᵗ) + ε; θ ← θ − (γ/(1 − β₁ᵗ))·m / denom. <paramref name="maxExpAvgSq"/> may be empty without AMSGrad.
    /// </summary>
    public static void AdamStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, in AdamCoefficients c)
    {
        CheckLengths(param, grad, expAvg, true, "exp_avg");
        CheckLengths(param, grad, expAvgSq, true, "exp_avg_sq");
        CheckLengths(param, grad, maxExpAvgSq, c.AmsGrad, "max_exp_avg_sq");
        float b1 = c.Beta1, b2 = c.Beta2, omb1 = c.OneMinusBeta1, omb2 = c.OneMinusBeta2, eps = c.Eps, wd = c.WeightDecay;
        float decay = c.DecayFactor, negStep = -c.StepSize, bc2 = c.BiasCorrection2Sqrt;
        bool ams = c.AmsGrad;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            const int n = 16;
            for (; i <= param.Length - n; i += n)
            {
                var p = Vector512.Create(param.Slice(i, n)) * decay;
                var g = Vector512.Create(grad.Slice(i, n));
                if (wd != 0) g += wd * p;
                var m = Vector512.Create(expAvg.Slice(i, n)) * b1 + omb1 * g;
                var v = Vector512.Create(expAvgSq.Slice(i, n)) * b2 + omb2 * g * g;
                m.CopyTo(expAvg.Slice(i));
                v.CopyTo(expAvgSq.Slice(i));
                if (ams)
                {
                    v = Vector512.Max(Vector512.Create(maxExpAvgSq.Slice(i, n)), v);
                    v.CopyTo(maxExpAvgSq.Slice(i));
                }
                var denom = Vector512.Sqrt(v) / bc2 + Vector512.Create(eps);
                (p + negStep * m / denom).CopyTo(param.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            const int n = 8;
            for (; i <= param.Length - n; i += n)
            {
                var p = Vector256.Create(param.Slice(i, n)) * decay;
                var g = Vector256.Create(grad.Slice(i, n));
                if (wd != 0) g += wd * p;
                var m = Vector256.Create(expAvg.Slice(i, n)) * b1 + omb1 * g;
                var v = Vector256.Create(expAvgSq.Slice(i, n)) * b2 + omb2 * g * g;
                m.CopyTo(expAvg.Slice(i));
                v.CopyTo(expAvgSq.Slice(i));
                if (ams)
                {
                    v = Vector256.Max(Vector256.Create(maxExpAvgSq.Slice(i, n)), v);
                    v.CopyTo(maxExpAvgSq.Slice(i));
                }
                var denom = Vector256.Sqrt(v) / bc2 + Vector256.Create(eps);
                (p + negStep * m / denom).CopyTo(param.Slice(i));
            }
        }
        AdamScalar(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, i);
    }

    /// <summary>The scalar reference of <see cref="AdamStep"/>.</summary>
    public static void AdamStepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, in AdamCoefficients c)
    {
        CheckLengths(param, grad, expAvg, true, "exp_avg");
        CheckLengths(param, grad, expAvgSq, true, "exp_avg_sq");
        CheckLengths(param, grad, maxExpAvgSq, c.AmsGrad, "max_exp_avg_sq");
        AdamScalar(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, 0);
    }

    private static void AdamScalar(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, in AdamCoefficients c, int start)
    {
        float omb1 = c.OneMinusBeta1, omb2 = c.OneMinusBeta2, negStep = -c.StepSize;
        for (int i = start; i < param.Length; i++)
        {
            float p = param[i] * c.DecayFactor, g = grad[i];
            if (c.WeightDecay != 0) g += c.WeightDecay * p;
            float m = expAvg[i] * c.Beta1 + omb1 * g;
            float v = expAvgSq[i] * c.Beta2 + omb2 * g * g;
            expAvg[i] = m;
            expAvgSq[i] = v;
            if (c.AmsGrad)
            {
                v = MathF.Max(maxExpAvgSq[i], v);
                maxExpAvgSq[i] = v;
            }
            float denom = MathF.Sqrt(v) / c.BiasCorrection2Sqrt + c.Eps;
            param[i] = p + negStep * m / denom;
        }
    }

    /// <summary>
    /// RMSprop (torch.optim.RMSprop): g ← g + λθ; v ← αv + (1 − α)g²; centered: ḡ ← αḡ + (1 − α)g and
    /// ṽ ← v − ḡ², else ṽ ← v; a ← √ṽ + ε (or √(ṽ + ε) when <see cref="RmsPropCoefficients.EpsInsideSqrt"/>); with momentum b ← μb + g/a and θ ← θ − γb, else θ ← θ − γg/a.
    /// <paramref name="gradAvg"/> may be empty unless centered, <paramref name="momentumBuffer"/> unless μ &gt; 0.
    /// </summary>
    public static void RmsPropStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer, in RmsPropCoefficients c)
    {
        CheckLengths(param, grad, squareAvg, true, "square_avg");
        CheckLengths(param, grad, gradAvg, c.Centered, "grad_avg");
        CheckLengths(param, grad, momentumBuffer, c.Momentum != 0, "momentum buffer");
        float negLr = -c.LearningRate, alpha = c.Alpha, oma = c.OneMinusAlpha, eps = c.Eps, wd = c.WeightDecay, mu = c.Momentum;
        bool centered = c.Centered, useMomentum = mu != 0, inside = c.EpsInsideSqrt;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            const int n = 16;
            for (; i <= param.Length - n; i += n)
            {
                var p = Vector512.Create(param.Slice(i, n));
                var g = Vector512.Create(grad.Slice(i, n));
                if (wd != 0) g += wd * p;
                var v = Vector512.Create(squareAvg.Slice(i, n)) * alpha + oma * g * g;
                v.CopyTo(squareAvg.Slice(i));
                if (centered)
                {
                    var ga = Vector512.Create(gradAvg.Slice(i, n)) * alpha + oma * g;
                    ga.CopyTo(gradAvg.Slice(i));
                    v += -ga * ga;
                }
                var a = inside ? Vector512.Sqrt(v + Vector512.Create(eps)) : Vector512.Sqrt(v) + Vector512.Create(eps);
                if (useMomentum)
                {
                    var b = Vector512.Create(momentumBuffer.Slice(i, n)) * mu + g / a;
                    b.CopyTo(momentumBuffer.Slice(i));
                    p += negLr * b;
                }
                else p += negLr * g / a;
                p.CopyTo(param.Slice(i));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            const int n = 8;
            for (; i <= param.Length - n; i += n)
            {
                var p = Vector256.Create(param.Slice(i, n));
                var g = Vector256.Create(grad.Slice(i, n));
                if (wd != 0) g += wd * p;
                var v = Vector256.Create(squareAvg.Slice(i, n)) * alpha + oma * g * g;
                v.CopyTo(squareAvg.Slice(i));
                if (centered)
                {
                    var ga = Vector256.Create(gradAvg.Slice(i, n)) * alpha + oma * g;
                    ga.CopyTo(gradAvg.Slice(i));
                    v += -ga * ga;
                }
                var a = inside ? Vector256.Sqrt(v + Vector256.Create(eps)) : Vector256.Sqrt(v) + Vector256.Create(eps);
                if (useMomentum)
                {
                    var b = Vector256.Create(momentumBuffer.Slice(i, n)) * mu + g / a;
                    b.CopyTo(momentumBuffer.Slice(i));
                    p += negLr * b;
                }
                else p += negLr * g / a;
                p.CopyTo(param.Slice(i));
            }
        }
        RmsPropScalar(param, grad, squareAvg, gradAvg, momentumBuffer, c, i);
    }

    /// <summary>The scalar reference of <see cref="RmsPropStep"/>.</summary>
    public static void RmsPropStepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer, in RmsPropCoefficients c)
    {
        CheckLengths(param, grad, squareAvg, true, "square_avg");
        CheckLengths(param, grad, gradAvg, c.Centered, "grad_avg");
        CheckLengths(param, grad, momentumBuffer, c.Momentum != 0, "momentum buffer");
        RmsPropScalar(param, grad, squareAvg, gradAvg, momentumBuffer, c, 0);
    }

    private static void RmsPropScalar(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer, in RmsPropCoefficients c, int start)
    {
        float negLr = -c.LearningRate, oma = c.OneMinusAlpha;
        for (int i = start; i < param.Length; i++)
        {
            float p = param[i], g = grad[i];
            if (c.WeightDecay != 0) g += c.WeightDecay * p;
            float v = squareAvg[i] * c.Alpha + oma * g * g;
            squareAvg[i] = v;
            if (c.Centered)
            {
                float ga = gradAvg[i] * c.Alpha + oma * g;
                gradAvg[i] = ga;
                v += -ga * ga;
            }
            float a = c.EpsInsideSqrt ? MathF.Sqrt(v + c.Eps) : MathF.Sqrt(v) + c.Eps;
            if (c.Momentum != 0)
            {
                float b = momentumBuffer[i] * c.Momentum + g / a;
                momentumBuffer[i] = b;
                p += negLr * b;
            }
            else p += negLr * g / a;
            param[i] = p;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLengths(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer, bool bufferUsed, string bufferName)
    {
        if (grad.Length != param.Length) throw new ArgumentException($"The gradient has {grad.Length} elements, the parameter {param.Length}.", nameof(grad));
        if (bufferUsed && buffer.Length != param.Length) throw new ArgumentException($"The {bufferName} has {buffer.Length} elements, the parameter {param.Length}.", bufferName);
    }
}
