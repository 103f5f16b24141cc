using Xunit;

namespace Bellman.Nn.Tests;

public class ShapeTests
{
    [Fact]
    public void SizesAxesAndText()
    {
        var s = new Shape(2, 3, 4);
        Assert.Equal(3, s.Rank);
        Assert.Equal(24, s.Size);
        Assert.Equal(4, s[-1]);
        Assert.Equal(4, s.Last);
        Assert.Equal("[2, 3, 4]", s.ToString());
        Assert.Equal(new Shape(2, 4), s.Reduce(1, keepDim: false));
        Assert.Equal(new Shape(2, 1, 4), s.Reduce(1, keepDim: true));
        Assert.Equal(new Shape(2, 3, 9), s.With(-1, 9));
        Assert.Equal(s, Shape.Of([2, 3, 4]));
        Assert.Equal(1, Shape.Scalar.Size);
        Assert.Equal("[]", Shape.Scalar.ToString());
        Assert.NotEqual(new Shape(6), new Shape(6, 1));
    }

    [Fact]
    public void BadShapesAreRejectedWithTheShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Shape(3, 0));
        Assert.Contains("[3, 0]", ex.Message);
        Assert.Throws<ArgumentException>(() => Shape.Of([1, 2, 3, 4, 5]));
        var axis = Assert.Throws<ArgumentOutOfRangeException>(() => new Shape(2, 3)[2]);
        Assert.Contains("[2, 3]", axis.Message);
    }

    [Fact]
    public void InputAndReshapeValidateSizes()
    {
        var g = new Graph();
        var ex = Assert.Throws<ArgumentException>(() => g.Input([1f, 2f, 3f], new Shape(2, 2)));
        Assert.Contains("[2, 2]", ex.Message);
        var x = g.Input([1f, 2f, 3f, 4f, 5f, 6f], new Shape(2, 3));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], g.Reshape(x, new Shape(3, 2)).Data.ToArray());
        var bad = Assert.Throws<ArgumentException>(() => g.Reshape(x, new Shape(4, 2)));
        Assert.Contains("[2, 3]", bad.Message);
        Assert.Contains("[4, 2]", bad.Message);
        Assert.Throws<InvalidOperationException>(() => x.Item());
    }

    [Fact]
    public void ResetRecyclesTensorsAndGivesTheSameResults()
    {
        var g = new Graph();
        float[] Run()
        {
            g.Reset();
            var x = g.Input([0.5f, -1f, 2f], new Shape(1, 3), requiresGrad: true);
            var y = g.Sum(g.Tanh(g.Mul(x, x)));
            g.Backward(y);
            return [y.Item(), .. x.Grad];
        }
        var first = Run();
        int tensors = g.TensorCount;
        var second = Run();
        Assert.Equal(first, second);
        Assert.Equal(tensors, g.TensorCount);
    }
}

public class GraphMisuseTests
{
    [Fact]
    public void BackwardAfterResetOrOnAnotherGraphIsRejected()
    {
        var g = new Graph();
        var x = g.Input([1f], new Shape(1), requiresGrad: true);
        var loss = g.Square(x);
        g.Reset();
        Assert.Throws<InvalidOperationException>(() => g.Backward(loss));
        var other = new Graph();
        var y = other.Input([1f], new Shape(1), requiresGrad: true);
        var l2 = other.Square(y);
        var g3 = new Graph();
        g3.Square(g3.Input([1f], new Shape(1), requiresGrad: true));
        Assert.Throws<InvalidOperationException>(() => g3.Backward(l2));
    }
}
