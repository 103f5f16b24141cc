using Xunit;
using Bellman.Nn.Kernels;
using Bellman.Nn.Optimizers;
using static Bellman.Nn.Tests.Optimizers.TestParams;

namespace Bellman.Nn.Tests.Optimizers;

/// <summary>
/// The SIMD kernels agree bit for bit with their scalar references over awkward lengths, at every vector width
/// (512, 256 and 128 bits, whichever this machine accelerates; 0 = the width the public method picks here).
/// </summary>
public class OptimizerMathTests
{
    public static TheoryData<int, int> Lengths => SimdWidths.WithLengths([0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100]);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SgdMatchesReference(int width, int n)
    {
        foreach (var c in new[]
        {
            SgdCoefficients.Create(0.1, 0, 0, 0, false, false),
            SgdCoefficients.Create(0.1, 0.01, 0.9, 0.1, false, true),
            SgdCoefficients.Create(0.1, 0.01, 0.9, 0.1, false, false),
            SgdCoefficients.Create(0.1, 0, 0.9, 0, true, false),
        })
        {
            var (p1, p2) = Pair(1, n);
            var g = RandomArray(2, n);
            var (b1, b2) = Pair(3, n);
            switch (width)
            {
                case 512: OptimizerMath.SgdStep<Simd512>(p1, g, b1, c); break;
                case 256: OptimizerMath.SgdStep<Simd256>(p1, g, b1, c); break;
                case 128: OptimizerMath.SgdStep<Simd128>(p1, g, b1, c); break;
                default: OptimizerMath.SgdStep(p1, g, b1, c); break;
            }
            OptimizerMath.SgdStepReference(p2, g, b2, c);
            Assert.Equal(p2, p1);
            Assert.Equal(b2, b1);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AdamMatchesReference(int width, int n)
    {
        foreach (var c in new[]
        {
            AdamCoefficients.Create(1e-3, 0.9, 0.999, 1e-8, 0, 0, false, 1),
            AdamCoefficients.Create(1e-3, 0.9, 0.999, 1e-8, 0.01, 0, true, 7),
            AdamCoefficients.Create(1e-3, 0.5, 0.9, 1e-5, 0, 0.01, true, 1000),
        })
        {
            var (p1, p2) = Pair(1, n);
            var g = RandomArray(2, n);
            var (m1, m2) = Pair(3, n);
            var (v1, v2) = Pair(4, n, positive: true);
            var (x1, x2) = Pair(5, n, positive: true);
            switch (width)
            {
                case 512: OptimizerMath.AdamStep<Simd512>(p1, g, m1, v1, x1, c); break;
                case 256: OptimizerMath.AdamStep<Simd256>(p1, g, m1, v1, x1, c); break;
                case 128: OptimizerMath.AdamStep<Simd128>(p1, g, m1, v1, x1, c); break;
                default: OptimizerMath.AdamStep(p1, g, m1, v1, x1, c); break;
            }
            OptimizerMath.AdamStepReference(p2, g, m2, v2, x2, c);
            Assert.Equal(p2, p1);
            Assert.Equal(m2, m1);
            Assert.Equal(v2, v1);
            Assert.Equal(x2, x1);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void RmsPropMatchesReference(int width, int n)
    {
        foreach (var c in new[]
        {
            RmsPropCoefficients.Create(0.01, 0.99, 1e-8, 0, 0, false),
            RmsPropCoefficients.Create(0.01, 0.99, 1e-5, 0.1, 0.9, true),
            RmsPropCoefficients.Create(0.01, 0.99, 1e-5, 0, 0, false, epsInsideSqrt: true),
            RmsPropCoefficients.Create(0.01, 0.99, 1e-5, 0, 0.9, true, epsInsideSqrt: true),
        })
        {
            var (p1, p2) = Pair(1, n);
            var g = RandomArray(2, n);
            var (v1, v2) = Pair(3, n, positive: true);
            var (a1, a2) = Pair(4, n, scale: 0.01f);
            var (b1, b2) = Pair(5, n);
            switch (width)
            {
                case 512: OptimizerMath.RmsPropStep<Simd512>(p1, g, v1, a1, b1, c); break;
                case 256: OptimizerMath.RmsPropStep<Simd256>(p1, g, v1, a1, b1, c); break;
                case 128: OptimizerMath.RmsPropStep<Simd128>(p1, g, v1, a1, b1, c); break;
                default: OptimizerMath.RmsPropStep(p1, g, v1, a1, b1, c); break;
            }
            OptimizerMath.RmsPropStepReference(p2, g, v2, a2, b2, c);
            Assert.Equal(p2, p1);
            Assert.Equal(v2, v1);
            Assert.Equal(a2, a1);
            Assert.Equal(b2, b1);
        }
    }

    [Fact]
    public void MismatchedBufferLengthsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            OptimizerMath.AdamStep(new float[4], new float[4], new float[4], new float[3], default, AdamCoefficients.Create(1e-3, 0.9, 0.999, 1e-8, 0, 0, false, 1)));
        Assert.Contains("exp_avg_sq", ex.Message);
        Assert.Throws<ArgumentException>(() => OptimizerMath.SgdStep(new float[4], new float[5], default, SgdCoefficients.Create(0.1, 0, 0, 0, false, true)));
    }

    [Fact]
    public void AdamCoefficientsCarryTheBiasCorrection()
    {
        var c = AdamCoefficients.Create(0.1, 0.9, 0.999, 1e-8, 0, 0.01, false, 2);
        Assert.Equal((float)(0.1 / 0.19), c.StepSize, 7);           // γ/(1 − 0.9²)
        Assert.Equal((float)Math.Sqrt(0.001999), c.BiasCorrection2Sqrt, 7); // √(1 − 0.999²)
        Assert.Equal(0.999f, c.DecayFactor);                          // 1 − γλ
    }

    private static (float[], float[]) Pair(int seed, int n, bool positive = false, float scale = 1f)
    {
        var a = RandomArray(seed, n, scale);
        if (positive) for (int i = 0; i < n; i++) a[i] = Math.Abs(a[i]);
        return (a, (float[])a.Clone());
    }
}
