using Xunit;
using Bellman.Nn.Optimizers;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

public class GradientClippingTests
{
    [Fact]
    public void ClipsToMaxNormAcrossParametersAndReturnsTheTotalNorm()
    {
        var a = Make("a", 0f);
        var b = Make("b", 0f, 0f);
        SetGrad(a, 3f);
        SetGrad(b, 0f, 4f);
        double total = GradientClipping.ClipGradNorm([a, b], 1.0);
        // ‖g‖ = √(9 + 16) = 5; c = 1/(5 + 1e-6) = 0.19999996; g·c = [0.59999988], [0, 0.79999984]
        Assert.Equal(5.0, total);
        AssertClose([0.59999988], a.Grad, 1e-7);
        AssertClose([0, 0.79999984], b.Grad, 1e-7);
    }

    [Fact]
    public void LeavesGradientsAloneWhenBelowMaxNorm()
    {
        var a = Make("a", 0f, 0f);
        SetGrad(a, 3f, 4f);
        Assert.Equal(5.0, GradientClipping.ClipGradNorm([a], 5.0)); // c = 5/(5 + 1e-6) < 1: clipped by 2e-7 relative
        AssertClose([3 * 5 / 5.000001, 4 * 5 / 5.000001], a.Grad, 5e-7);
        SetGrad(a, 3f, 4f);
        GradientClipping.ClipGradNorm([a], 10.0);
        Assert.Equal([3f, 4f], a.Grad);
    }

    [Fact]
    public void FrozenParametersAreIgnored()
    {
        var a = Make("a", 0f);
        var frozen = Make("f", 0f);
        SetGrad(a, 2f);
        SetGrad(frozen, 100f);
        frozen.RequiresGrad = false;
        Assert.Equal(2.0, GradientClipping.ClipGradNorm([a, frozen], 1.0));
        Assert.Equal(100f, frozen.Grad[0]);
        AssertClose([1 / (2 + 1e-6) * 2], a.Grad, 1e-7);
    }

    [Fact]
    public void AllFiniteDetectsNanAndInfinity()
    {
        var a = Make("a", new float[37]);
        Assert.True(GradientClipping.AllFinite([a]));
        a.Grad[36] = float.NaN;
        Assert.False(GradientClipping.AllFinite([a]));
        a.Grad[36] = float.NegativeInfinity;
        Assert.False(GradientClipping.AllFinite([a]));
        Assert.True(double.IsInfinity(GradientClipping.ClipGradNorm([a], 1.0)));
        a.RequiresGrad = false;
        Assert.True(GradientClipping.AllFinite([a]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(1000)]
    public void SumOfSquaresMatchesReferenceBitForBit(int n)
    {
        var x = RandomArray(n + 1, n, 3f);
        double fast = GradientClipping.SumOfSquares(x), reference = GradientClipping.SumOfSquaresReference(x);
        Assert.Equal(BitConverter.DoubleToInt64Bits(reference), BitConverter.DoubleToInt64Bits(fast));
        double naive = 0;
        foreach (float v in x) naive += (double)v * v;
        Assert.Equal(naive, fast, 1e-9);
    }
}
