using Xunit;

namespace Bellman.Nn.Tests;

/// <summary>
/// Compares the tape's gradients with central finite differences.
/// <para>
/// The forward pass is float32, so the finite differences are taken of the float32 forward, with the
/// scalar objective L = Σ_k r_k y_k (fixed random r) accumulated in double. Error budget for step
/// h = 1e-2: truncation, relative to the derivative, ≈ h²/6·|f‴/f′| ≤ 4e-4 on the test domains (worst:
/// division by b ≥ 0.5, where |f‴/f′| = 6/b² ≤ 24); rounding ≈ float eps 6e-8 × |y| × √(outputs touched)
/// / h ≲ 3e-5. Hence |analytic − fd| ≤ 1e-4 + 1e-3·|fd|. Checked by mutation: scaling the Huber or the
/// tanh-correction gradient by 1% makes these tests fail. Inputs are drawn away from kinks (relu, abs,
/// clamp, max, Huber's |d| = δ) by more than h so the differences are valid.
/// </para>
/// </summary>
internal static class GradCheck
{
    public const double Step = 1e-2, Atol = 1e-4, Rtol = 1e-3;

    public static float[] Uniform(int n, float low, float high, ulong seed)
    {
        var rng = new Rng(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(low + (high - low) * rng.NextDouble());
        return v;
    }

    /// <summary>Uniform values with |x| ≥ gap (kept away from a kink at 0).</summary>
    public static float[] AwayFromZero(int n, float magnitude, float gap, ulong seed)
    {
        var rng = new Rng(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++)
        {
            float m = (float)(gap + (magnitude - gap) * rng.NextDouble());
            v[i] = rng.NextDouble() < 0.5 ? -m : m;
        }
        return v;
    }

    /// <summary>Checks d/d(inputs) of Σ r ⊙ f(inputs) for every input element.</summary>
    public static void Inputs(Shape[] shapes, float[][] values, Func<Graph, Tensor[], Tensor> f, ulong seed = 99)
    {
        var g = new Graph();
        var inputs = new Tensor[shapes.Length];
        for (int i = 0; i < shapes.Length; i++) inputs[i] = g.Input(values[i], shapes[i], requiresGrad: true);
        Tensor y = f(g, inputs);
        float[] r = Uniform(y.Length, -1f, 1f, seed);
        Tensor loss = g.Sum(g.Mul(y, g.Input(r, y.Shape)));
        g.Backward(loss);
        var analytic = inputs.Select(t => t.Grad.ToArray()).ToArray();

        var eval = new Graph();
        double Objective()
        {
            eval.Reset();
            using var _ = eval.NoGrad();
            var xs = new Tensor[shapes.Length];
            for (int i = 0; i < shapes.Length; i++) xs[i] = eval.Input(values[i], shapes[i]);
            Tensor out_ = f(eval, xs);
            Assert.Equal(0, eval.TapeLength);
            double sum = 0;
            for (int k = 0; k < r.Length; k++) sum += (double)r[k] * out_.Data[k];
            return sum;
        }
        for (int i = 0; i < shapes.Length; i++)
        {
            for (int j = 0; j < values[i].Length; j++)
            {
                float saved = values[i][j];
                values[i][j] = (float)(saved + Step);
                double plus = Objective();
                values[i][j] = (float)(saved - Step);
                double minus = Objective();
                values[i][j] = saved;
                double fd = (plus - minus) / (2 * Step);
                AssertClose(fd, analytic[i][j], $"input {i} element {j}");
            }
        }
    }

    /// <summary>Checks d(loss)/d(parameters) for every parameter element that requires a gradient.</summary>
    public static void Parameters(IReadOnlyList<Parameter> parameters, Func<Graph, Tensor> loss, double step = Step)
    {
        foreach (var p in parameters) p.ZeroGrad();
        var g = new Graph();
        g.Backward(loss(g));
        var eval = new Graph();
        double Objective()
        {
            eval.Reset();
            using var _ = eval.NoGrad();
            return loss(eval).Item();
        }
        foreach (var p in parameters)
        {
            for (int j = 0; j < p.Size; j++)
            {
                float saved = p.Data[j];
                p.Data[j] = (float)(saved + step);
                double plus = Objective();
                p.Data[j] = (float)(saved - step);
                double minus = Objective();
                p.Data[j] = saved;
                double fd = p.RequiresGrad ? (plus - minus) / (2 * step) : 0.0;
                AssertClose(fd, p.Grad[j], $"{p.Name}[{j}]");
            }
        }
    }

    public static void AssertClose(double expected, double actual, string what)
    {
        double tol = Atol + Rtol * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: finite difference {expected:G6}, backward {actual:G6} (tolerance {tol:G3}).");
    }
}
