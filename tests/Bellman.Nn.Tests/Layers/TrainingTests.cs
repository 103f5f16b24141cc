using Bellman.Nn.Layers;
using Xunit;

namespace Bellman.Nn.Tests.Layers;

/// <summary>End-to-end fits with a plain SGD update written inline (the optimizers live elsewhere).</summary>
public class TrainingTests
{
    private static void Sgd(Module net, float lr)
    {
        foreach (var p in net.Parameters())
            for (int i = 0; i < p.Size; i++) p.Data[i] -= lr * p.Grad[i];
    }

    [Fact]
    public void MlpFitsSineOnMinusPiToPi()
    {
        const int n = 64;
        var xs = new float[n];
        var ys = new float[n];
        for (int i = 0; i < n; i++)
        {
            xs[i] = -MathF.PI + 2 * MathF.PI * i / (n - 1);
            ys[i] = MathF.Sin(xs[i]);
        }
        var net = Mlp.Create([1, 32, 32, 1], Activation.Tanh, new Rng(2024));
        var g = new Graph();
        float loss = float.NaN, first = float.NaN;
        for (int step = 0; step < 3000; step++)
        {
            g.Reset();
            net.ZeroGrad();
            var l = g.MseLoss(net.Forward(g, g.Input(xs, new Shape(n, 1))), g.Input(ys, new Shape(n, 1)));
            g.Backward(l);
            Sgd(net, 0.1f);
            loss = l.Item();
            if (step == 0) first = loss;
        }
        Assert.True(first > 0.1f, $"initial MSE {first}");
        Assert.True(loss < 2e-3f, $"MSE after 3000 SGD steps is {loss} (want < 2e-3)");
    }

    [Fact]
    public void ClassifierReachesLowCrossEntropy()
    {
        // Three Gaussian blobs in the plane, 30 points each.
        var rng = new Rng(7);
        const int perClass = 30, n = 3 * perClass;
        var x = new float[n * 2];
        var labels = new int[n];
        float[][] centres = [[-2f, 0f], [2f, 0f], [0f, 2.5f]];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 3;
            x[2 * i] = centres[labels[i]][0] + 0.7f * (float)rng.NextNormal();
            x[2 * i + 1] = centres[labels[i]][1] + 0.7f * (float)rng.NextNormal();
        }
        var net = Mlp.Create([2, 16, 3], Activation.ReLU, new Rng(8));
        var g = new Graph();
        float loss = float.NaN;
        for (int step = 0; step < 500; step++)
        {
            g.Reset();
            net.ZeroGrad();
            var l = g.CrossEntropyLoss(net.Forward(g, g.Input(x, new Shape(n, 2))), labels);
            g.Backward(l);
            Sgd(net, 0.2f);
            loss = l.Item();
        }
        Assert.True(loss < 0.15f, $"cross-entropy after 500 SGD steps is {loss} (want < 0.15)");
        g.Reset();
        var logits = net.Forward(g, g.Input(x, new Shape(n, 2)));
        var predicted = new int[n];
        Graph.ArgMax(logits, predicted);
        Assert.True(predicted.Zip(labels).Count(p => p.First == p.Second) >= 0.9 * n);
    }
}
