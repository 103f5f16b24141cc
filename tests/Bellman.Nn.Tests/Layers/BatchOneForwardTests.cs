using Bellman.Nn.Layers;
using Xunit;

namespace Bellman.Nn.Tests.Layers;

public sealed class BatchOneForwardTests
{
    /// <summary>The batched forward through the graph, at <paramref name="rows"/> rows.</summary>
    private static float[] Batched(Sequential net, float[] inputs, int rows)
    {
        var g = new Graph();
        using (g.NoGrad())
            return net.Forward(g, g.Input(inputs, new Shape(rows, inputs.Length / rows))).Data.ToArray();
    }

    [Theory]
    [InlineData(new[] { 4, 256, 256, 2 })]
    [InlineData(new[] { 5, 37, 300, 3 })]
    [InlineData(new[] { 1, 9, 17 })]
    [InlineData(new[] { 33, 7 })]
    [InlineData(new[] { 3, 129, 1 })]
    public void EachRowEqualsTheBatchedForwardBitwise(int[] sizes)
    {
        var rng = new Rng(7);
        Sequential net = Mlp.Create(sizes, Activation.ReLU, rng);
        var act = new BatchOneForward(net);
        const int rows = 16;
        int inF = sizes[0], outF = sizes[^1];
        var inputs = new float[rows * inF];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(4 * rng.NextDouble() - 2);
        float[] batched = Batched(net, inputs, rows);
        var q = new float[outF];
        for (int r = 0; r < rows; r++)
        {
            act.Forward(inputs.AsSpan(r * inF, inF), q);
            Assert.True(batched.AsSpan(r * outF, outF).SequenceEqual(q), $"sizes [{string.Join(", ", sizes)}], row {r}");
            Assert.Equal(Numerics.ArgMax(batched.AsSpan(r * outF, outF)), act.ArgMax(inputs.AsSpan(r * inF, inF)));
        }
    }

    [Fact]
    public void UsesTheSnapshotUntilRefreshed()
    {
        var rng = new Rng(3);
        Sequential net = Mlp.Create([4, 64, 2], Activation.ReLU, rng);
        var act = new BatchOneForward(net);
        float[] x = [0.5f, -1f, 0.25f, 2f];
        var before = new float[2];
        var after = new float[2];
        act.Forward(x, before);
        foreach (Parameter p in net.Parameters())
            for (int i = 0; i < p.Size; i++) p.Data[i] *= -1.5f;
        act.Forward(x, after);
        Assert.Equal(before, after);
        act.Refresh();
        act.Forward(x, after);
        Assert.NotEqual(before, after);
        float[] sixteen = Enumerable.Repeat(x, 16).SelectMany(v => v).ToArray();
        Assert.Equal(Batched(net, sixteen, 16)[..2], after);
    }

    [Fact]
    public void RejectsOtherModulesAndBadSizes()
    {
        var rng = new Rng(1);
        var tanh = Mlp.Create([4, 8, 2], Activation.Tanh, rng);
        Assert.Contains("found Tanh", Assert.Throws<ArgumentException>(() => new BatchOneForward(tanh)).Message);
        var act = new BatchOneForward(Mlp.Create([4, 8, 2], Activation.ReLU, rng));
        Assert.Contains("takes 4", Assert.Throws<ArgumentException>(() => act.Forward(new float[3], new float[2])).Message);
        Assert.Contains("needs 2", Assert.Throws<ArgumentException>(() => act.Forward(new float[4], new float[1])).Message);
    }
}
