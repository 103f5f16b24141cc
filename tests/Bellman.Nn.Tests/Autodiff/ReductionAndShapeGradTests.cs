using Xunit;
using static Bellman.Nn.Tests.GradCheck;

namespace Bellman.Nn.Tests.Autodiff;

public class ReductionAndShapeGradTests
{
    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 3, 7 })]
    [InlineData(new[] { 2, 3, 5 })]
    public void SumAndMeanAll(int[] dims)
    {
        var s = Shape.Of(dims);
        Inputs([s], [Uniform(s.Size, -1f, 1f, 1)], (g, x) => g.Sum(x[0]));
        Inputs([s], [Uniform(s.Size, -1f, 1f, 2)], (g, x) => g.Mean(x[0]));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(-1, true)]
    public void SumMeanMaxOverAxis(int axis, bool keepDim)
    {
        var s = new Shape(3, 7, 5);
        Inputs([s], [Uniform(s.Size, -1f, 1f, 3)], (g, x) => g.Sum(x[0], axis, keepDim));
        Inputs([s], [Uniform(s.Size, -1f, 1f, 4)], (g, x) => g.Mean(x[0], axis, keepDim));
        // A permutation of a 0.1-spaced grid: no two values within 2h, so the argmax is stable under ±h.
        var distinct = Enumerable.Range(0, s.Size).Select(i => 0.1f * ((i * 37) % s.Size) - 5f).ToArray();
        Inputs([s], [distinct], (g, x) => g.Max(x[0], axis, keepDim));
    }

    [Fact]
    public void MaxAndArgMaxValues()
    {
        var g = new Graph();
        var q = g.Input([1f, 5f, 2f, 9f, -1f, 9f], new Shape(2, 3));
        Assert.Equal([5f, 9f], g.Max(q, 1).Data.ToArray());
        Assert.Equal(new Shape(2, 1), g.Max(q, 1, keepDim: true).Shape);
        Span<int> arg = stackalloc int[2];
        Graph.ArgMax(q, arg);
        Assert.Equal(1, arg[0]);
        Assert.Equal(0, arg[1]); // first of the tied maxima
        Span<int> cols = stackalloc int[3];
        Graph.ArgMax(q, 0, cols);
        Assert.Equal([1, 0, 1], cols.ToArray());
        Graph.ArgMax(q, -1, arg);
        Assert.Equal([1, 0], arg.ToArray());
        Assert.Throws<ArgumentException>(() => Graph.ArgMax(q, 0, new int[2]));
    }

    [Fact]
    public void ReshapeFlattenConcat()
    {
        Inputs([new Shape(2, 3, 4)], [Uniform(24, -1f, 1f, 5)], (g, x) => g.Tanh(g.Reshape(x[0], new Shape(4, 6))));
        Inputs([new Shape(3, 2, 2, 2)], [Uniform(24, -1f, 1f, 6)], (g, x) => g.Flatten(x[0]));
        Inputs([new Shape(7, 3), new Shape(7, 1)], [Uniform(21, -1f, 1f, 7), Uniform(7, -1f, 1f, 8)], (g, x) => g.Concat(x[0], x[1]));
        Inputs([new Shape(1, 17), new Shape(1, 33)], [Uniform(17, -1f, 1f, 9), Uniform(33, -1f, 1f, 10)], (g, x) => g.Concat(x[0], x[1]));
        var graph = new Graph();
        var ex = Assert.Throws<ArgumentException>(() => graph.Concat(graph.Zeros(new Shape(3, 2)), graph.Zeros(new Shape(4, 2))));
        Assert.Contains("[3, 2]", ex.Message);
        Assert.Contains("[4, 2]", ex.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(33, 17)]
    public void Gather(int rows, int width)
    {
        var idx = Enumerable.Range(0, rows).Select(r => (r * 5 + 1) % width).ToArray();
        Inputs([new Shape(rows, width)], [Uniform(rows * width, -1f, 1f, 11)], (g, x) => g.Gather(x[0], idx));
        var graph = new Graph();
        var q = graph.Input(Uniform(rows * width, -1f, 1f, 11), new Shape(rows, width));
        var picked = graph.Gather(q, idx);
        for (int r = 0; r < rows; r++) Assert.Equal(q.Data[r * width + idx[r]], picked.Data[r]);
        var bad = idx.ToArray();
        bad[0] = width;
        Assert.Throws<ArgumentOutOfRangeException>(() => graph.Gather(q, bad));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(17, 3)]
    public void SoftmaxAndLogSoftmax(int rows, int width)
    {
        Inputs([new Shape(rows, width)], [Uniform(rows * width, -3f, 3f, 12)], (g, x) => g.Softmax(x[0]));
        Inputs([new Shape(rows, width)], [Uniform(rows * width, -3f, 3f, 13)], (g, x) => g.LogSoftmax(x[0]));
    }

    [Fact]
    public void ChannelsFirstPermutesAndPassesGradientsBack()
    {
        var g = new Graph();
        // x[n, h, w, c] = 1000n + 100h + 10w + c for a [2, 2, 3, 2] image batch.
        var values = new float[2 * 2 * 3 * 2];
        for (int n = 0, i = 0; n < 2; n++) for (int h = 0; h < 2; h++) for (int w = 0; w < 3; w++) for (int c = 0; c < 2; c++) values[i++] = 1000 * n + 100 * h + 10 * w + c;
        var y = g.ToChannelsFirst(g.Input(values, new Shape(2, 2, 3, 2)));
        Assert.Equal(new Shape(2, 2, 2, 3), y.Shape);
        for (int n = 0; n < 2; n++) for (int c = 0; c < 2; c++) for (int h = 0; h < 2; h++) for (int w = 0; w < 3; w++)
            Assert.Equal(1000 * n + 100 * h + 10 * w + c, y.Data[((n * 2 + c) * 2 + h) * 3 + w]);
        Inputs([new Shape(3, 4, 5, 3)], [Uniform(180, -1f, 1f, 11)], (g2, x) => g2.Tanh(g2.ToChannelsFirst(x[0])));
        Inputs([new Shape(2, 5, 5, 2), new Shape(4, 2, 3, 3)], [Uniform(100, -1f, 1f, 12), Uniform(72, -0.5f, 0.5f, 13)],
            (g2, x) => g2.Conv2d(g2.ToChannelsFirst(x[0]), x[1], null));
        Assert.Throws<ArgumentException>(() => g.ToChannelsFirst(g.Zeros(new Shape(2, 3))));
    }

    [Theory]
    [InlineData(3, 10, 10, 4)] // MinAtar Breakout: 100 pixels, six blocks of 16 and 4 more (the 4-channel vector path)
    [InlineData(2, 4, 4, 4)]   // exactly one block of 16
    [InlineData(2, 1, 7, 4)]   // fewer pixels than a block
    [InlineData(2, 3, 17, 4)]
    [InlineData(2, 10, 10, 10)]
    [InlineData(1, 10, 10, 1)]
    public void ChannelsFirstIsTheDefinitionAtEveryChannelCount(int batch, int height, int width, int channels)
    {
        var values = new float[batch * height * width * channels];
        for (int i = 0; i < values.Length; i++) values[i] = i;
        var g = new Graph();
        var y = g.ToChannelsFirst(g.Input(values, new Shape(batch, height, width, channels)));
        for (int n = 0; n < batch; n++) for (int c = 0; c < channels; c++) for (int h = 0; h < height; h++) for (int w = 0; w < width; w++)
            Assert.Equal(values[((n * height + h) * width + w) * channels + c], y.Data[((n * channels + c) * height + h) * width + w]);
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogits()
    {
        var g = new Graph();
        var x = g.Input([1000f, 1001f, 999f], new Shape(1, 3));
        var p = g.Softmax(x).Data.ToArray();
        double z = Math.Exp(-1) + 1 + Math.Exp(-2);
        Assert.Equal(Math.Exp(-1) / z, p[0], 6);
        Assert.Equal(1 / z, p[1], 6);
        var lp = g.LogSoftmax(x).Data.ToArray();
        Assert.Equal(-Math.Log(z), lp[1], 5);
    }
}
