namespace Bellman.Nn.Tests;

/// <summary>The one argmax rule (TensorPrimitives.IndexOfMax) wherever the engine takes an argmax.</summary>
public class NumericsTests
{
    [Theory]
    [InlineData(new[] { 1f, 5f, 2f }, 1)]
    [InlineData(new[] { 9f, -1f, 9f }, 0)]                           // ties: the first
    [InlineData(new[] { 1f, float.NaN, 7f, float.NaN }, 1)]          // the first NaN wins
    [InlineData(new[] { float.NaN, 1f }, 0)]
    [InlineData(new[] { -0f, 0f }, 1)]                               // +0 > −0
    [InlineData(new[] { float.NegativeInfinity, float.NegativeInfinity }, 0)]
    public void ArgMaxRule(float[] values, int expected)
    {
        Assert.Equal(expected, Numerics.ArgMax(values));
        // Every place that takes an argmax agrees: rows, an axis that is not the last, and Graph.Max's value.
        var g = new Graph();
        int n = values.Length;
        var row = g.Input(values, new Shape(1, n));
        var arg = new int[1];
        Graph.ArgMax(row, arg);
        Assert.Equal(expected, arg[0]);
        var column = g.Input(values, new Shape(n, 1));
        Graph.ArgMax(column, 0, arg);
        Assert.Equal(expected, arg[0]);
        Assert.Equal(BitConverter.SingleToInt32Bits(values[expected]), BitConverter.SingleToInt32Bits(g.Max(column, 0).Data[0]));
    }

    [Fact]
    public void ArgMaxOfLongStridedAxis()
    {
        // Longer than the 256-value stack buffer of the strided gather.
        var values = new float[2 * 300];
        for (int j = 0; j < 300; j++) { values[2 * j] = j % 97; values[2 * j + 1] = -j; }
        var arg = new int[2];
        Graph.ArgMax(new Graph().Input(values, new Shape(300, 2)), 0, arg);
        Assert.Equal([96, 0], arg);
    }

    [Fact]
    public void ArgMaxOfNothingIsAnError() => Assert.Throws<ArgumentException>(() => Numerics.ArgMax([]));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(100)]
    public void HasNonFinite(int n)
    {
        var v = new float[n];
        Assert.False(Numerics.HasNonFinite(v));
        if (n == 0) return;
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            v[n - 1] = bad;
            Assert.True(Numerics.HasNonFinite(v));
            v[n - 1] = 0;
        }
    }
}
