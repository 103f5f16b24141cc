using Bellman.Algorithms.Exploration;
using Bellman.Core.Random;

namespace Bellman.Algorithms.Tests.Exploration;

public class ExploreTests
{
    [Fact]
    public void GreedyBreaksTiesTowardTheLowestIndex()
    {
        Assert.Equal(1, Explore.Greedy([0f, 3f, 3f]));
        Assert.Equal(0, Explore.Greedy([1.0, 1.0]));
    }

    [Fact]
    public void EpsilonGreedyExploresAtRateEpsilon()
    {
        var rng = new Rng(1);
        float[] q = [0, 1, 0, 0];
        int greedy = 0;
        const int n = 40_000;
        for (int i = 0; i < n; i++) if (Explore.EpsilonGreedy(q, 0.2, rng) == 1) greedy++;
        // P(action 1) = 0.8 + 0.2/4 = 0.85
        Assert.InRange(greedy / (double)n, 0.84, 0.86);
    }

    [Fact]
    public void BoltzmannFollowsTheSoftmax()
    {
        var rng = new Rng(2);
        float[] q = [0, (float)Math.Log(3)];
        int ones = 0;
        const int n = 40_000;
        for (int i = 0; i < n; i++) if (Explore.Boltzmann(q, 1.0, rng) == 1) ones++;
        Assert.InRange(ones / (double)n, 0.74, 0.76); // e^{ln 3} / (1 + 3) = 0.75
        Assert.Throws<ArgumentOutOfRangeException>(() => Explore.Boltzmann(q, 0, rng));
    }
}
