namespace Bellman.Nn;

public sealed partial class Graph
{
    /// <summary>The number of entries of a d × d lower triangle, d (d + 1) / 2.</summary>
    public static int LowerTriangleSize(int dim) => dim * (dim + 1) / 2;

    /// <summary>
    /// NAF's advantage (Gu et al. 2016), fused: A(s, a) = −½ (a − μ)ᵀ P (a − μ) with P = L Lᵀ (a matrix
    /// product), where L is lower-triangular, its entries read row by row from <paramref name="lower"/>
    /// (row i holds L_i0 … L_ii at offset i (i + 1) / 2) and its diagonal exponentiated, L_ii = e^{l_ii},
    /// so P is positive definite and A ≤ 0 with equality exactly at a = μ.
    /// <para>
    /// Computed as A = −½ ‖z‖² with z = Lᵀ (a − μ). Shapes: <paramref name="lower"/> [B, d (d + 1) / 2],
    /// <paramref name="mean"/> and <paramref name="action"/> [B, d]; output [B, 1]. Gradients, with
    /// δ = a − μ: ∂A/∂a = −L z = −P δ, ∂A/∂μ = P δ, ∂A/∂L_ij = −δ_i z_j (i ≥ j), and on the diagonal
    /// ∂A/∂l_ii = −δ_i z_i L_ii.
    /// </para>
    /// </summary>
    public Tensor QuadraticAdvantage(Tensor lower, Tensor mean, Tensor action)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(action);
        if (mean.Shape.Rank != 2 || mean.Shape != action.Shape) throw ShapeMismatch(nameof(QuadraticAdvantage), mean, action, "mean and action must both be [batch, dim]");
        int rows = mean.Shape[0], dim = mean.Shape[1];
        if (lower.Shape.Rank != 2 || lower.Shape[0] != rows || lower.Shape[1] != LowerTriangleSize(dim))
            throw ShapeMismatch(nameof(QuadraticAdvantage), lower, mean, $"lower must be [{rows}, {LowerTriangleSize(dim)}] for actions of size {dim}");
        Tensor y = NewOut(new Shape(rows, 1));
        ReadOnlySpan<float> l = lower.D, mu = mean.D, a = action.D;
        Span<float> ys = y.Data;
        Span<float> delta = stackalloc float[dim], z = stackalloc float[dim];
        int tri = LowerTriangleSize(dim);
        for (int r = 0; r < rows; r++)
        {
            Residual(a.Slice(r * dim, dim), mu.Slice(r * dim, dim), delta);
            TransposedProduct(l.Slice(r * tri, tri), delta, z);
            double sum = 0;
            for (int j = 0; j < dim; j++) sum += (double)z[j] * z[j];
            ys[r] = (float)(-0.5 * sum);
        }
        if (Tracks(lower, mean, action)) Record(OpCode.QuadraticAdvantage, y, lower, mean, action);
        return y;
    }

    private void QuadraticAdvantageBackward(ref Node n)
    {
        Tensor lower = n.A!, mean = n.B!, action = n.C!;
        int rows = mean.Shape[0], dim = mean.Shape[1], tri = LowerTriangleSize(dim);
        ReadOnlySpan<float> l = lower.D, mu = mean.D, a = action.D, dy = n.Out.Grad;
        Span<float> dl = lower.RequiresGrad ? GradOf(lower) : default;
        Span<float> dmu = mean.RequiresGrad ? GradOf(mean) : default;
        Span<float> da = action.RequiresGrad ? GradOf(action) : default;
        Span<float> delta = stackalloc float[dim], z = stackalloc float[dim];
        for (int r = 0; r < rows; r++)
        {
            float g = dy[r];
            var lr = l.Slice(r * tri, tri);
            Residual(a.Slice(r * dim, dim), mu.Slice(r * dim, dim), delta);
            TransposedProduct(lr, delta, z);
            for (int i = 0; i < dim; i++)
            {
                int row = i * (i + 1) / 2;
                // (L z)_i = Σ_{j ≤ i} L_ij z_j = (P δ)_i.
                double pd = 0;
                for (int j = 0; j <= i; j++) pd += (double)Entry(lr, i, j) * z[j];
                if (action.RequiresGrad) da[r * dim + i] -= g * (float)pd;
                if (mean.RequiresGrad) dmu[r * dim + i] += g * (float)pd;
                if (!lower.RequiresGrad) continue;
                for (int j = 0; j < i; j++) dl[r * tri + row + j] -= g * delta[i] * z[j];
                dl[r * tri + row + i] -= g * delta[i] * z[i] * MathF.Exp(lr[row + i]);
            }
        }
    }

    /// <summary>δ = a − μ.</summary>
    private static void Residual(ReadOnlySpan<float> a, ReadOnlySpan<float> mu, Span<float> delta)
    {
        for (int i = 0; i < delta.Length; i++) delta[i] = a[i] - mu[i];
    }

    /// <summary>z = Lᵀ δ, z_j = Σ_{i ≥ j} L_ij δ_i.</summary>
    private static void TransposedProduct(ReadOnlySpan<float> lower, ReadOnlySpan<float> delta, Span<float> z)
    {
        int dim = delta.Length;
        for (int j = 0; j < dim; j++)
        {
            double s = 0;
            for (int i = j; i < dim; i++) s += (double)Entry(lower, i, j) * delta[i];
            z[j] = (float)s;
        }
    }

    /// <summary>L_ij of one row's packed lower triangle (exponentiated on the diagonal).</summary>
    private static float Entry(ReadOnlySpan<float> lower, int i, int j)
    {
        float v = lower[i * (i + 1) / 2 + j];
        return i == j ? MathF.Exp(v) : v;
    }
}
