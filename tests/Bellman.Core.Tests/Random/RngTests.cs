using Bellman.Core.Random;

namespace Bellman.Core.Tests.Random;

public class RngTests
{
    [Fact]
    public void SameSeedGivesSameSequence()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void DifferentSeedsGiveDifferentSequences()
    {
        var a = new Rng(1);
        var b = new Rng(2);
        int equal = 0;
        for (int i = 0; i < 100; i++) if (a.NextUInt64() == b.NextUInt64()) equal++;
        Assert.Equal(0, equal);
    }

    [Fact]
    public void FirstOutputsAreStableAcrossVersions()
    {
        // Pinned so that a change to the generator (which would silently change every seeded run) fails loudly.
        var rng = new Rng(0);
        ulong first = rng.NextUInt64();
        var again = new Rng(0);
        Assert.Equal(first, again.NextUInt64());
        Assert.Equal(0x99EC5F36CB75F2B4UL, first);
    }

    [Fact]
    public void NextIntIsUniformByChiSquare()
    {
        var rng = new Rng(7);
        const int n = 7, draws = 70_000;
        var counts = new int[n];
        for (int i = 0; i < draws; i++) counts[rng.NextInt(n)]++;
        double expected = draws / (double)n;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < 22.46, $"chi-square {chi2} over 6 degrees of freedom exceeds the 0.001 critical value"); // 6 dof, p = 0.001
    }

    [Fact]
    public void NextIntRejectsNonPositiveBound() => Assert.Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextInt(0));

    [Fact]
    public void NormalHasUnitMomentsAndDoublesInRange()
    {
        var rng = new Rng(3);
        const int draws = 200_000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < draws; i++)
        {
            double x = rng.NextNormal();
            sum += x;
            sumSq += x * x;
            double u = rng.NextDouble();
            Assert.InRange(u, 0.0, 0.9999999999999999);
            float f = rng.NextFloat();
            Assert.True(f >= 0f && f < 1f);
        }
        double mean = sum / draws, variance = sumSq / draws - mean * mean;
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }

    [Fact]
    public void StateRoundTripContinuesTheSameSequence()
    {
        var rng = new Rng(11);
        rng.NextNormal(); // leaves a cached spare normal in the state
        var state = rng.GetState();
        var copy = new Rng(0);
        copy.SetState(state);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(rng.NextNormal(), copy.NextNormal());
            Assert.Equal(rng.NextUInt64(), copy.NextUInt64());
        }
    }

    [Fact]
    public void SplitChildrenAreDeterministicAndDistinct()
    {
        var parent1 = new Rng(5);
        var parent2 = new Rng(5);
        var c1 = parent1.Split();
        var c2 = parent2.Split();
        Assert.Equal(c1.NextUInt64(), c2.NextUInt64());
        Assert.NotEqual(parent1.NextUInt64(), c1.NextUInt64());
        Assert.NotEqual(Rng.DeriveSeed(1, 0), Rng.DeriveSeed(1, 1));
    }

    [Fact]
    public void CategoricalFollowsWeights()
    {
        var rng = new Rng(9);
        double[] w = [1, 0, 3];
        var counts = new int[3];
        for (int i = 0; i < 40_000; i++) counts[rng.Categorical(w)]++;
        Assert.Equal(0, counts[1]);
        Assert.InRange(counts[2] / 40_000.0, 0.74, 0.76);
        Assert.Throws<ArgumentException>(() => rng.Categorical(new double[] { 0, 0 }));
    }
}
