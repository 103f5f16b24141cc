using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Bellman.Nn.Kernels;

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
/// The elementwise update rules of the optimizers, as static functions over spans. Each rule is written once as a
/// generic SIMD kernel over the vector width (<see cref="ISimdFloat{TSelf}"/>: Vector512, Vector256 or Vector128, the
/// widest accelerated one chosen at run time) followed by a scalar tail, and has a scalar reference that performs the
/// same float32 operations in the same order, so every width agrees with the reference bit for bit. Operation order
/// follows PyTorch's CPU kernels (e.g. addcdiv computes θ + (value·t₁)/t₂). The kernels are compiled fully optimised
/// on first call (<see cref="MethodImplOptions.AggressiveOptimization"/>): no tier-0 code, and no Dynamic PGO
/// re-compilation, whose code for Adam spilled the vector temporaries every iteration (2.7× slower).
/// </summary>
public static class OptimizerMath
{
    /// <summary>
    /// SGD (torch.optim.SGD): g ← g + λθ; if μ ≠ 0: b ← g on the first step, else b ← μb + (1 − τ)g, and
    /// g ← g + μb (Nesterov) or g ← b; finally θ ← θ − γg. <paramref name="momentumBuffer"/> may be empty when μ = 0.
    /// </summary>
    public static void SgdStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdCoefficients c)
    {
        if (Vector512.IsHardwareAccelerated) SgdStep<Simd512>(param, grad, momentumBuffer, c);
        else if (Vector256.IsHardwareAccelerated) SgdStep<Simd256>(param, grad, momentumBuffer, c);
        else if (Vector128.IsHardwareAccelerated) SgdStep<Simd128>(param, grad, momentumBuffer, c);
        else SgdStepReference(param, grad, momentumBuffer, c);
    }

    /// <summary><see cref="SgdStep"/> at the vector width <typeparamref name="TV"/> (tests run every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void SgdStep<TV>(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdCoefficients c)
        where TV : struct, ISimdFloat<TV>
    {
        CheckLengths(param, grad, momentumBuffer, c.Momentum != 0, "momentum buffer");
        TV negLr = TV.Broadcast(-c.LearningRate), wd = TV.Broadcast(c.WeightDecay), mu = TV.Broadcast(c.Momentum);
        TV oneMinusDamp = TV.Broadcast(c.OneMinusDampening);
        bool decay = c.WeightDecay != 0, useMomentum = c.Momentum != 0, first = c.FirstStep, nesterov = c.Nesterov;
        int n = TV.Count, i = 0;
        fixed (float* pp = param, pg = grad, pb = momentumBuffer)
        {
            for (; i <= param.Length - n; i += n)
            {
                TV p = TV.Load(pp + i), d = TV.Load(pg + i);
                if (decay) d = TV.Add(d, TV.Multiply(wd, p));
                if (useMomentum)
                {
                    TV b = first ? d : TV.Add(TV.Multiply(TV.Load(pb + i), mu), TV.Multiply(oneMinusDamp, d));
                    TV.Store(b, pb + i);
                    d = nesterov ? TV.Add(d, TV.Multiply(mu, b)) : b;
                }
                TV.Store(TV.Add(p, TV.Multiply(negLr, d)), pp + i);
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
    /// One pass reads θ, g, m, v and writes θ, m, v. Its cost is set by the divider (two divisions and a square
    /// root per element, needed for PyTorch's bits), not by memory.
    /// </summary>
    public static void AdamStep(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, in AdamCoefficients c)
    {
        if (Vector512.IsHardwareAccelerated) AdamStep<Simd512>(param, grad, expAvg, expAvgSq, maxExpAvgSq, c);
        else if (Vector256.IsHardwareAccelerated) AdamStep<Simd256>(param, grad, expAvg, expAvgSq, maxExpAvgSq, c);
        else if (Vector128.IsHardwareAccelerated) AdamStep<Simd128>(param, grad, expAvg, expAvgSq, maxExpAvgSq, c);
        else AdamStepReference(param, grad, expAvg, expAvgSq, maxExpAvgSq, c);
    }

    /// <summary><see cref="AdamStep"/> at the vector width <typeparamref name="TV"/> (tests run every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void AdamStep<TV>(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, in AdamCoefficients c)
        where TV : struct, ISimdFloat<TV>
    {
        CheckAdamLengths(param, grad, expAvg, expAvgSq, maxExpAvgSq, c.AmsGrad);
        TV b1 = TV.Broadcast(c.Beta1), b2 = TV.Broadcast(c.Beta2), omb1 = TV.Broadcast(c.OneMinusBeta1), omb2 = TV.Broadcast(c.OneMinusBeta2);
        TV eps = TV.Broadcast(c.Eps), wd = TV.Broadcast(c.WeightDecay), decay = TV.Broadcast(c.DecayFactor);
        TV negStep = TV.Broadcast(-c.StepSize), bc2 = TV.Broadcast(c.BiasCorrection2Sqrt);
        bool l2 = c.WeightDecay != 0, ams = c.AmsGrad;
        int n = TV.Count, i = 0;
        fixed (float* pp = param, pg = grad, pm = expAvg, pv = expAvgSq, px = maxExpAvgSq)
        {
            for (; i <= param.Length - n; i += n)
            {
                TV p = TV.Multiply(TV.Load(pp + i), decay);
                TV g = TV.Load(pg + i);
                if (l2) g = TV.Add(g, TV.Multiply(wd, p));
                TV m = TV.Add(TV.Multiply(TV.Load(pm + i), b1), TV.Multiply(omb1, g));
                TV v = TV.Add(TV.Multiply(TV.Load(pv + i), b2), TV.Multiply(TV.Multiply(omb2, g), g));
                TV.Store(m, pm + i);
                TV.Store(v, pv + i);
                if (ams)
                {
                    v = TV.Max(TV.Load(px + i), v);
                    TV.Store(v, px + i);
                }
                TV denom = TV.Add(TV.Divide(TV.Sqrt(v), bc2), eps);
                TV.Store(TV.Add(p, TV.Divide(TV.Multiply(negStep, m), denom)), pp + i);
            }
        }
        AdamScalar(param, grad, expAvg, expAvgSq, maxExpAvgSq, c, i);
    }

    /// <summary>The scalar reference of <see cref="AdamStep"/>.</summary>
    public static void AdamStepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, in AdamCoefficients c)
    {
        CheckAdamLengths(param, grad, expAvg, expAvgSq, maxExpAvgSq, c.AmsGrad);
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
        if (Vector512.IsHardwareAccelerated) RmsPropStep<Simd512>(param, grad, squareAvg, gradAvg, momentumBuffer, c);
        else if (Vector256.IsHardwareAccelerated) RmsPropStep<Simd256>(param, grad, squareAvg, gradAvg, momentumBuffer, c);
        else if (Vector128.IsHardwareAccelerated) RmsPropStep<Simd128>(param, grad, squareAvg, gradAvg, momentumBuffer, c);
        else RmsPropStepReference(param, grad, squareAvg, gradAvg, momentumBuffer, c);
    }

    /// <summary><see cref="RmsPropStep"/> at the vector width <typeparamref name="TV"/> (tests run every width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void RmsPropStep<TV>(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer, in RmsPropCoefficients c)
        where TV : struct, ISimdFloat<TV>
    {
        CheckRmsPropLengths(param, grad, squareAvg, gradAvg, momentumBuffer, c);
        TV negLr = TV.Broadcast(-c.LearningRate), alpha = TV.Broadcast(c.Alpha), oma = TV.Broadcast(c.OneMinusAlpha);
        TV eps = TV.Broadcast(c.Eps), wd = TV.Broadcast(c.WeightDecay), mu = TV.Broadcast(c.Momentum);
        bool decay = c.WeightDecay != 0, centered = c.Centered, useMomentum = c.Momentum != 0, inside = c.EpsInsideSqrt;
        int n = TV.Count, i = 0;
        fixed (float* pp = param, pg = grad, ps = squareAvg, pa = gradAvg, pb = momentumBuffer)
        {
            for (; i <= param.Length - n; i += n)
            {
                TV p = TV.Load(pp + i), g = TV.Load(pg + i);
                if (decay) g = TV.Add(g, TV.Multiply(wd, p));
                TV v = TV.Add(TV.Multiply(TV.Load(ps + i), alpha), TV.Multiply(TV.Multiply(oma, g), g));
                TV.Store(v, ps + i);
                if (centered)
                {
                    TV ga = TV.Add(TV.Multiply(TV.Load(pa + i), alpha), TV.Multiply(oma, g));
                    TV.Store(ga, pa + i);
                    v = TV.Subtract(v, TV.Multiply(ga, ga));
                }
                TV a = inside ? TV.Sqrt(TV.Add(v, eps)) : TV.Add(TV.Sqrt(v), eps);
                if (useMomentum)
                {
                    TV b = TV.Add(TV.Multiply(TV.Load(pb + i), mu), TV.Divide(g, a));
                    TV.Store(b, pb + i);
                    p = TV.Add(p, TV.Multiply(negLr, b));
                }
                else p = TV.Add(p, TV.Divide(TV.Multiply(negLr, g), a));
                TV.Store(p, pp + i);
            }
        }
        RmsPropScalar(param, grad, squareAvg, gradAvg, momentumBuffer, c, i);
    }

    /// <summary>The scalar reference of <see cref="RmsPropStep"/>.</summary>
    public static void RmsPropStepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer, in RmsPropCoefficients c)
    {
        CheckRmsPropLengths(param, grad, squareAvg, gradAvg, momentumBuffer, c);
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

    private static void CheckAdamLengths(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq, bool amsGrad)
    {
        CheckLengths(param, grad, expAvg, true, "exp_avg");
        CheckLengths(param, grad, expAvgSq, true, "exp_avg_sq");
        CheckLengths(param, grad, maxExpAvgSq, amsGrad, "max_exp_avg_sq");
    }

    private static void CheckRmsPropLengths(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg, Span<float> momentumBuffer, in RmsPropCoefficients c)
    {
        CheckLengths(param, grad, squareAvg, true, "square_avg");
        CheckLengths(param, grad, gradAvg, c.Centered, "grad_avg");
        CheckLengths(param, grad, momentumBuffer, c.Momentum != 0, "momentum buffer");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLengths(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer, bool bufferUsed, string bufferName)
    {
        if (grad.Length != param.Length) throw new ArgumentException($"The gradient has {grad.Length} elements, the parameter {param.Length}.", nameof(grad));
        if (bufferUsed && buffer.Length != param.Length) throw new ArgumentException($"The {bufferName} has {buffer.Length} elements, the parameter {param.Length}.", bufferName);
    }
}
