using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Core.Tests.Spaces;

public class SpaceTests
{
    [Fact]
    public void DiscreteContainsAndSamples()
    {
        var space = new Discrete(3, start: -1);
        Assert.True(space.Contains(-1));
        Assert.True(space.Contains(1));
        Assert.False(space.Contains(2));
        Assert.False(space.Contains([0.5f]));
        Assert.False(space.Contains([float.NaN]));
        Assert.False(space.Contains([0f, 1f]));
        var rng = new Rng(1);
        var seen = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            int v = space.SampleInt(rng);
            Assert.True(space.Contains(v));
            seen.Add(v);
        }
        Assert.Equal(3, seen.Count);
        Assert.Equal("Discrete(3, start=-1)", space.ToString());
        Assert.Equal("Discrete(2)", new Discrete(2).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(0));
    }

    [Fact]
    public void BoxSamplesStayInsideForEveryKindOfBound()
    {
        var box = new Box(
            [-1f, float.NegativeInfinity, 0f, float.NegativeInfinity],
            [1f, float.PositiveInfinity, float.PositiveInfinity, 5f]);
        var rng = new Rng(2);
        var value = new float[4];
        for (int i = 0; i < 10_000; i++)
        {
            box.Sample(rng, value);
            Assert.True(box.Contains(value), string.Join(",", value));
        }
        Assert.False(box.IsBounded);
        Assert.True(new Box(-2f, 2f, 1).IsBounded);
    }

    [Fact]
    public void BoxSampleDrawsByBoundTypeInGymnasiumsOrder()
    {
        // Elements: [a, b], (-inf, inf), [a, inf), (-inf, b], (-inf, inf). Gymnasium draws the unbounded ones
        // from normal(), then [a, inf) from exponential() + a, then (-inf, b] from b - exponential(), then
        // the bounded ones from uniform(a, b): element order within each group.
        var box = new Box([-1f, float.NegativeInfinity, 0.5f, float.NegativeInfinity, float.NegativeInfinity],
                          [2f, float.PositiveInfinity, float.PositiveInfinity, 5f, float.PositiveInfinity]);
        box.Seed(7);
        var sample = box.Sample();
        var g = NumpyGenerator.FromSeed(7);
        float n1 = (float)g.StandardNormal(), n4 = (float)g.StandardNormal();
        float low = (float)(g.StandardExponential() + 0.5), high = (float)(-g.StandardExponential() + 5.0);
        float uniform = (float)g.Uniform(-1.0, 2.0);
        Assert.Equal(new[] { uniform, n1, low, high, n4 }, sample);
        Assert.True(box.Contains(sample));
    }

    [Fact]
    public void SeedingASpaceRepeatsItsSamplesAndLeavesOtherSpacesAlone()
    {
        var a = new Discrete(6, start: 2);
        var b = new Discrete(6, start: 2);
        Assert.Equal(3, a.Seed(3));
        b.Seed(3);
        var first = Enumerable.Range(0, 50).Select(_ => a.SampleInt()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 50).Select(_ => b.SampleInt()));
        Assert.All(first, v => Assert.InRange(v, 2, 7));
        a.Seed(3);
        Assert.Equal(first, Enumerable.Range(0, 50).Select(_ => (int)a.Sample()[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Seed(-1));
    }

    [Fact]
    public void BoxRejectsNaNWrongLengthAndOutOfBounds()
    {
        var box = new Box(-2f, 2f, 2);
        Assert.False(box.Contains([float.NaN, 0f]));
        Assert.False(box.Contains([0f]));
        Assert.False(box.Contains([0f, 2.0001f]));
        Assert.True(box.Contains([-2f, 2f]));
        var v = new[] { -5f, 5f };
        box.Clip(v);
        Assert.Equal(new[] { -2f, 2f }, v);
    }

    [Fact]
    public void BoxFormatsLikeGymnasium()
    {
        Assert.Equal("Box(-2, 2, (1,), float32)", new Box(-2f, 2f, 1).ToString());
        Assert.Equal("Box([-1, -inf], [1, inf], (2,), float32)", new Box([-1f, float.NegativeInfinity], [1f, float.PositiveInfinity]).ToString());
        Assert.Equal("Box(0, 1, (2, 3), float32)", new Box(0f, 1f, 2, 3).ToString());
    }

    [Fact]
    public void BoxValidatesBounds()
    {
        Assert.Throws<ArgumentException>(() => new Box([1f], [0f]));
        Assert.Throws<ArgumentException>(() => new Box([0f, 0f], [1f]));
        Assert.Throws<ArgumentException>(() => new Box([float.NaN], [1f]));
    }
}
