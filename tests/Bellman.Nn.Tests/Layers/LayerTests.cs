using Bellman.Nn.Layers;
using Xunit;

namespace Bellman.Nn.Tests.Layers;

public class LayerTests
{
    [Fact]
    public void MlpNamesMatchPyTorchSequentialKeys()
    {
        var net = Mlp.Create([4, 256, 256, 2], Activation.ReLU, new Rng(1));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], net.Parameters().Select(p => p.Name));
        Assert.Equal([256, 4], net.Parameters()[0].Shape);
        Assert.Equal(4 * 256 + 256 + 256 * 256 + 256 + 256 * 2 + 2, net.ParameterCount());
        var tanhOut = Mlp.Create([3, 5, 1], Activation.Tanh, new Rng(1), Activation.Tanh);
        Assert.Equal(4, tanhOut.Layers.Count);
        Assert.IsType<Tanh>(tanhOut.Layers[3]);
        var nested = new Sequential(new Linear(2, 3, new Rng(1)), new Sequential(new ReLU(), new Linear(3, 1, new Rng(2))));
        Assert.Equal(["0.weight", "0.bias", "1.1.weight", "1.1.bias"], nested.Parameters().Select(p => p.Name));
    }

    [Theory]
    [InlineData(4, 256)]
    [InlineData(256, 2)]
    [InlineData(1, 7)]
    public void LinearInitFollowsPyTorchBounds(int inF, int outF)
    {
        var layer = new Linear(inF, outF, new Rng(2));
        float bound = 1f / MathF.Sqrt(inF);
        foreach (var p in layer.Parameters())
        {
            Assert.All(p.Data, v => Assert.InRange(v, -bound, bound));
            // Uniform on [−b, b] has standard deviation b/√3: the draws must fill the interval, not a corner.
            if (p.Size >= 200)
            {
                double mean = p.Data.Average(v => (double)v), sd = Math.Sqrt(p.Data.Average(v => (v - mean) * (v - mean)));
                Assert.InRange(sd, 0.9 * bound / Math.Sqrt(3), 1.1 * bound / Math.Sqrt(3));
                Assert.InRange(mean, -0.1 * bound, 0.1 * bound);
            }
        }
    }

    [Fact]
    public void Conv2dInitUsesFanInOfTheKernel()
    {
        var conv = new Conv2d(4, 32, 8, new Rng(3), stride: 4);
        float bound = 1f / MathF.Sqrt(4 * 8 * 8);
        Assert.All(conv.Weight.Data, v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.Weight.Data.Max() > 0.9f * bound);
        Assert.Equal([32, 4, 8, 8], conv.Weight.Shape);
    }

    [Theory]
    [InlineData(64, 4, 1.414f)]
    [InlineData(3, 17, 0.01f)]
    [InlineData(2, 2, 1f)]
    public void OrthogonalInitGivesOrthonormalRowsOrColumns(int rows, int cols, float gain)
    {
        var p = new Parameter("w", rows, cols);
        Init.Orthogonal(p, gain, new Rng(4));
        // rows ≥ cols: WᵀW = gain² I; rows < cols: W Wᵀ = gain² I.
        bool byColumns = rows >= cols;
        int n = byColumns ? cols : rows, len = byColumns ? rows : cols;
        for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
        {
            double dot = 0;
            for (int i = 0; i < len; i++)
                dot += byColumns ? (double)p.Data[i * cols + a] * p.Data[i * cols + b] : (double)p.Data[a * cols + i] * p.Data[b * cols + i];
            Assert.Equal(a == b ? gain * gain : 0.0, dot, 4);
        }
    }

    [Fact]
    public void MlpOrthogonalInitUsesHiddenAndOutputGains()
    {
        var net = Mlp.Create([4, 64, 64, 2], Activation.Tanh, new Rng(9));
        Mlp.InitOrthogonal(net, MathF.Sqrt(2), 0.01f, new Rng(10));
        var ps = net.Parameters();
        // Row norms: W [64, 4] has orthonormal columns (gain² = 2 on WᵀW's diagonal); the head [2, 64] has rows of norm 0.01.
        double col0 = Enumerable.Range(0, 64).Sum(r => (double)ps[0].Data[r * 4] * ps[0].Data[r * 4]);
        Assert.Equal(2.0, col0, 4);
        double headRow = Enumerable.Range(0, 64).Sum(c => (double)ps[4].Data[c] * ps[4].Data[c]);
        Assert.Equal(1e-4, headRow, 7);
        Assert.All(ps.Where(p => p.Name.EndsWith("bias")), p => Assert.All(p.Data, v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void HardCopyAndPolyak()
    {
        var online = Mlp.Create([3, 5, 2], Activation.ReLU, new Rng(5));
        var target = Mlp.Create([3, 5, 2], Activation.ReLU, new Rng(6));
        var before = target.Parameters().Select(p => p.Data.ToArray()).ToArray();
        target.PolyakFrom(online, 0.25f);
        for (int i = 0; i < before.Length; i++)
            for (int j = 0; j < before[i].Length; j++)
                Assert.Equal(0.25f * online.Parameters()[i].Data[j] + 0.75f * before[i][j], target.Parameters()[i].Data[j], 6);
        target.CopyFrom(online);
        for (int i = 0; i < before.Length; i++) Assert.Equal(online.Parameters()[i].Data, target.Parameters()[i].Data);
        var other = Mlp.Create([3, 6, 2], Activation.ReLU, new Rng(7));
        var ex = Assert.Throws<ArgumentException>(() => target.CopyFrom(other));
        Assert.Contains("0.weight [5, 3]", ex.Message);
        Assert.Contains("0.weight [6, 3]", ex.Message);
        Assert.Throws<ArgumentException>(() => target.PolyakFrom(Mlp.Create([3, 2], Activation.ReLU, new Rng(8)), 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => target.PolyakFrom(online, 1.5f));
    }

    [Fact]
    public void SeededRandomIsReproducible()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        Assert.NotEqual(new Rng(1).NextUInt64(), new Rng(2).NextUInt64());
    }
}

/// <summary>A custom module built from children, as an algorithm would write a Gaussian actor.</summary>
internal sealed class GaussianActor : Module
{
    private readonly Sequential _trunk;
    private readonly Linear _mean;
    private readonly Parameter _logStd = new("log_std", 2);
    private readonly Parameter[] _parameters;

    public GaussianActor(IRandomSource rng)
    {
        _trunk = Mlp.Create([3, 8], Activation.Tanh, rng, Activation.Tanh);
        _mean = new Linear(8, 2, rng);
        _parameters = [.. Adopt("trunk", _trunk), .. Adopt("mean", _mean), _logStd];
    }

    public override IReadOnlyList<Parameter> Parameters() => _parameters;

    public override Tensor Forward(Graph graph, Tensor x) => _mean.Forward(graph, _trunk.Forward(graph, x));

    public Tensor LogProb(Graph graph, Tensor x, Tensor action) => graph.GaussianLogProb(action, Forward(graph, x), graph.Param(_logStd));
}

public class CustomModuleTests
{
    [Fact]
    public void AdoptedChildrenGetPrefixedNamesAndGradients()
    {
        var actor = new GaussianActor(new Rng(3));
        Assert.Equal(["trunk.0.weight", "trunk.0.bias", "mean.weight", "mean.bias", "log_std"], actor.Parameters().Select(p => p.Name));
        var s = GradCheck.Uniform(5 * 3, -1f, 1f, 4);
        var a = GradCheck.Uniform(5 * 2, -1f, 1f, 5);
        GradCheck.Parameters(actor.Parameters(), g => g.Mean(actor.LogProb(g, g.Input(s, new Shape(5, 3)), g.Input(a, new Shape(5, 2)))));
    }

    [Fact]
    public void FusedConv2dReluEqualsTheTwoOpsBitwiseForwardAndBackward()
    {
        // Sequential runs Conv2d → ReLU as one Conv2dRelu op; apart, the same kernels must give the same bits.
        var conv = new Conv2d(4, 16, 3, new Rng(7));
        var net = new Sequential(conv, new ReLU(), new Flatten());
        var rng = new Rng(8);
        var x = new float[5 * 4 * 10 * 10];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() < 0.3f ? 1f : 0f;
        var weights = new float[5 * 1024];
        for (int i = 0; i < weights.Length; i++) weights[i] = rng.NextFloat() - 0.5f;
        (float[] Y, float[] Dw, float[] Db) Run(bool fused)
        {
            var g = new Graph();
            conv.Weight.ZeroGrad();
            conv.Bias!.ZeroGrad();
            Tensor input = g.Input(x, new Shape(5, 4, 10, 10));
            Tensor y = fused ? net.Forward(g, input) : g.Flatten(g.Relu(conv.Forward(g, input)));
            g.Backward(g.Sum(g.Mul(y, g.Input(weights, new Shape(5, 1024)))));
            return (y.Data.ToArray(), (float[])conv.Weight.Grad.Clone(), (float[])conv.Bias.Grad.Clone());
        }
        var apart = Run(fused: false);
        var together = Run(fused: true);
        Assert.Contains(apart.Y, v => v == 0f);
        Assert.Equal(apart.Y, together.Y);
        Assert.Equal(apart.Dw, together.Dw);
        Assert.Equal(apart.Db, together.Db);
    }
}
