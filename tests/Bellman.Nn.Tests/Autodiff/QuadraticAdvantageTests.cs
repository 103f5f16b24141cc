using Xunit;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Autodiff;

public sealed class QuadraticAdvantageTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 2)]
    [InlineData(3, 4)]
    public void GradientsMatchFiniteDifferences(int rows, int dim)
    {
        Shape ls = new(rows, Graph.LowerTriangleSize(dim)), s = new(rows, dim);
        float[][] values = [Uniform(ls.Size, -0.7f, 0.7f, 21), Uniform(s.Size, -1f, 1f, 22), Uniform(s.Size, -1f, 1f, 23)];
        Inputs([ls, s, s], values, (g, x) => g.QuadraticAdvantage(x[0], x[1], x[2]));
    }

    /// <summary>P = L Lᵀ as a float64 matrix product (the reference the op must agree with; an element-wise L ⊙ Lᵀ would not).</summary>
    private static double[,] Precision(float[] packed, int dim)
    {
        var l = new double[dim, dim];
        for (int i = 0; i < dim; i++)
            for (int j = 0; j <= i; j++)
                l[i, j] = i == j ? Math.Exp(packed[i * (i + 1) / 2 + j]) : packed[i * (i + 1) / 2 + j];
        var p = new double[dim, dim];
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++)
                for (int k = 0; k < dim; k++) p[i, j] += l[i, k] * l[j, k];
        return p;
    }

    [Fact]
    public void EqualsHalfTheQuadraticFormOfLLTransposed()
    {
        // L = [[e^0, 0], [2, e^{ln 3}]] = [[1, 0], [2, 3]]: P = L Lᵀ = [[1, 2], [2, 13]]; δ = (1, −1):
        // δᵀ P δ = 1 − 4 + 13 = 10, so A = −5. (L ⊙ Lᵀ would give diag(1, 9): A = −5 as well for this δ,
        // so the second δ = (1, 1) tells them apart: δᵀ P δ = 1 + 4 + 13 = 18, A = −9, against −5.)
        var g = new Graph();
        float[] packed = [0f, 2f, MathF.Log(3f)];
        Tensor l = g.Input([.. packed, .. packed], new Shape(2, 3));
        Tensor mu = g.Input([0.5f, 0.5f, 0f, 0f], new Shape(2, 2));
        Tensor a = g.Input([1.5f, -0.5f, 1f, 1f], new Shape(2, 2));
        Tensor adv = g.QuadraticAdvantage(l, mu, a);
        Assert.Equal(new Shape(2, 1), adv.Shape);
        Assert.Equal(-5.0, adv.Data[0], 5);
        Assert.Equal(-9.0, adv.Data[1], 5);
    }

    [Fact]
    public void PrecisionIsPositiveDefiniteAndAdvantageIsNonPositiveWithMaximumAtMean()
    {
        const int dim = 3, rows = 200;
        int tri = Graph.LowerTriangleSize(dim);
        float[] packed = Uniform(rows * tri, -3f, 3f, 31), mu = Uniform(rows * dim, -1f, 1f, 32), a = Uniform(rows * dim, -1f, 1f, 33);
        var g = new Graph();
        Tensor L = g.Input(packed, new Shape(rows, tri)), M = g.Input(mu, new Shape(rows, dim));
        ReadOnlySpan<float> adv = g.QuadraticAdvantage(L, M, g.Input(a, new Shape(rows, dim))).Data;
        ReadOnlySpan<float> atMean = g.QuadraticAdvantage(L, M, M).Data;
        for (int r = 0; r < rows; r++)
        {
            var p = Precision(packed[(r * tri)..((r + 1) * tri)], dim);
            // Sylvester's criterion: every leading principal minor is positive.
            double m1 = p[0, 0], m2 = p[0, 0] * p[1, 1] - p[0, 1] * p[1, 0];
            double m3 = p[0, 0] * (p[1, 1] * p[2, 2] - p[1, 2] * p[2, 1]) - p[0, 1] * (p[1, 0] * p[2, 2] - p[1, 2] * p[2, 0]) + p[0, 2] * (p[1, 0] * p[2, 1] - p[1, 1] * p[2, 0]);
            Assert.True(m1 > 0 && m2 > 0 && m3 > 0, $"row {r}: minors {m1}, {m2}, {m3}");
            double quad = 0;
            for (int i = 0; i < dim; i++)
                for (int j = 0; j < dim; j++) quad += (a[r * dim + i] - mu[r * dim + i]) * p[i, j] * (a[r * dim + j] - mu[r * dim + j]);
            Assert.True(adv[r] <= 0f, $"row {r}: A = {adv[r]}");
            Assert.Equal(-0.5 * quad, adv[r], Math.Max(1e-4, 1e-5 * quad));
            Assert.Equal(0f, atMean[r]);
        }
    }

    [Fact]
    public void BadShapesNameTheExpectedShape()
    {
        var g = new Graph();
        var ex = Assert.Throws<ArgumentException>(() => g.QuadraticAdvantage(g.Zeros(new Shape(4, 2)), g.Zeros(new Shape(4, 2)), g.Zeros(new Shape(4, 2))));
        Assert.Contains("[4, 3]", ex.Message);
    }
}
