using Xunit;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Losses;

public class LossGradTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(17, true)]
    [InlineData(33, false)]
    public void MseAndHuber(int n, bool weighted)
    {
        var pred = Uniform(n, -3f, 3f, 1);
        var target = Uniform(n, -3f, 3f, 2);
        // Keep |pred − target| more than h away from Huber's δ = 1.
        for (int i = 0; i < n; i++) if (Math.Abs(Math.Abs(pred[i] - target[i]) - 1f) < 0.05f) pred[i] += 0.2f;
        var w = Uniform(n, 0.1f, 1f, 3);
        Tensor? W(Graph g) => weighted ? g.Input(w, new Shape(n)) : null;
        Inputs([new Shape(n), new Shape(n)], [pred, target], (g, x) => g.MseLoss(x[0], x[1], W(g)));
        Inputs([new Shape(n), new Shape(n)], [pred, target], (g, x) => g.HuberLoss(x[0], x[1], W(g)));
        Inputs([new Shape(n), new Shape(n)], [pred, target], (g, x) => g.HuberLoss(x[0], x[1], W(g), delta: 0.5f));
    }

    [Fact]
    public void HuberMatchesPyTorchFormula()
    {
        // PyTorch smooth_l1_loss (beta = 1): 0.5 d² if |d| < 1 else |d| − 0.5, mean over elements.
        float[] p = [0.2f, 3f, -1.5f, 0f], t = [0f, 0f, 0f, 0.9f];
        double expected = (0.5 * 0.04 + 2.5 + 1.0 + 0.5 * 0.81) / 4;
        float[] w = [1f, 0.5f, 2f, 0f];
        double weighted = (0.5 * 0.04 + 0.5 * 2.5 + 2 * 1.0 + 0) / 4;
        var g = new Graph();
        Assert.Equal(expected, g.HuberLoss(g.Input(p, new Shape(4)), g.Input(t, new Shape(4))).Item(), 6);
        Assert.Equal(weighted, g.HuberLoss(g.Input(p, new Shape(4)), g.Input(t, new Shape(4)), g.Input(w, new Shape(4))).Item(), 6);
        Assert.Equal((0.04 + 9 + 2.25 + 0.81) / 4, g.MseLoss(g.Input(p, new Shape(4)), g.Input(t, new Shape(4))).Item(), 5);
        var ex = Assert.Throws<ArgumentException>(() => g.HuberLoss(g.Zeros(new Shape(4)), g.Zeros(new Shape(4, 1))));
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("[4, 1]", ex.Message);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(7, 3, true)]
    [InlineData(17, 5, false)]
    public void CrossEntropy(int rows, int classes, bool weighted)
    {
        var targets = Enumerable.Range(0, rows).Select(r => (r * 3) % classes).ToArray();
        var w = Uniform(rows, 0.1f, 1f, 4);
        Inputs([new Shape(rows, classes)], [Uniform(rows * classes, -3f, 3f, 5)],
            (g, x) => g.CrossEntropyLoss(x[0], targets, weighted ? g.Input(w, new Shape(rows)) : null));
    }

    [Fact]
    public void CrossEntropyValue()
    {
        var g = new Graph();
        float[] logits = [1f, 2f, 3f, 0f, 0f, 0f];
        double expected = ((Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 1) + Math.Log(3)) / 2;
        Assert.Equal(expected, g.CrossEntropyLoss(g.Input(logits, new Shape(2, 3)), [0, 2]).Item(), 6);
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(7, 3, false)]
    [InlineData(3, 7, true)]
    public void GaussianLogProbs(int rows, int dim, bool sharedLogStd)
    {
        Shape ls = sharedLogStd ? new Shape(dim) : new Shape(rows, dim);
        Shape s = new(rows, dim);
        float[][] values = [Uniform(s.Size, -2f, 2f, 6), Uniform(s.Size, -1f, 1f, 7), Uniform(ls.Size, -1f, 0.5f, 8)];
        Inputs([s, s, ls], values, (g, x) => g.GaussianLogProb(x[0], x[1], x[2]));
        Inputs([s, s, ls], values, (g, x) => g.TanhGaussianLogProb(x[0], x[1], x[2]));
    }

    [Fact]
    public void LogProbValuesMatchFloat64Formulas()
    {
        float[] u = [0.3f, -1.2f, 4f], mu = [0.1f, -1f, 3f], logStd = [-0.5f, 0.2f, 0f];
        double gauss = 0, squash = 0;
        for (int j = 0; j < 3; j++)
        {
            double sigma = Math.Exp(logStd[j]), z = (u[j] - mu[j]) / sigma;
            double lp = -0.5 * z * z - logStd[j] - 0.5 * Math.Log(2 * Math.PI);
            gauss += lp;
            squash += lp - Math.Log(1 - Math.Tanh(u[j]) * Math.Tanh(u[j]));
        }
        var g = new Graph();
        Tensor U = g.Input(u, new Shape(1, 3)), M = g.Input(mu, new Shape(1, 3)), L = g.Input(logStd, new Shape(3));
        Assert.Equal(gauss, g.GaussianLogProb(U, M, L).Item(), 5);
        Assert.Equal(squash, g.TanhGaussianLogProb(U, M, L).Item(), 4);
        // The stable correction stays finite where 1 − tanh²(u) underflows in float32.
        Tensor far = g.Input([30f], new Shape(1, 1));
        Assert.True(float.IsFinite(g.TanhGaussianLogProb(far, far, g.Input([0f], new Shape(1))).Item()));
    }
}
