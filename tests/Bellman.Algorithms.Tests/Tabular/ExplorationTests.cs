using Bellman.Algorithms.Tabular;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Xunit;

namespace Bellman.Algorithms.Tests.Tabular;

public sealed class ExplorationTests
{
    [Fact]
    public void EpsilonGreedyFollowsTheLectureForm()
    {
        var explore = new EpsilonGreedy(Schedule.Constant(0.3));
        var p = new double[4];
        explore.Probabilities([0.0, 2.0, 1.0, -1.0], 0, p);
        Assert.Equal(0.7, p[1], 15);
        Assert.Equal(0.1, p[0], 15);
        Assert.Equal(0.1, p[2], 15);
        Assert.Equal(0.1, p[3], 15);
        // two maximisers share: (1 - ε)/2 + ε/(|A|-1)/2 each
        explore.Probabilities([2.0, 2.0, 1.0, -1.0], 0, p);
        Assert.Equal(0.35 + 0.05, p[0], 15);
        Assert.Equal(0.4, p[1], 15);
        Assert.Equal(0.1, p[2], 15);
        Assert.Equal(1.0, p.Sum(), 15);
    }

    [Theory]
    [InlineData(0.3, new[] { 2.0, 2.0, 1.0, -1.0 })]
    [InlineData(0.0, new[] { 0.0, 0.0, 0.0 })]
    [InlineData(1.0, new[] { 0.0, 3.0, 0.0 })]
    public void EpsilonGreedySamplesMatchProbabilities(double epsilon, double[] q)
    {
        var explore = new EpsilonGreedy(Schedule.Constant(epsilon));
        AssertSamplesMatch(explore, q);
    }

    [Theory]
    [InlineData(1.0, new[] { 0.0, 1.0, 2.0 })]
    [InlineData(0.25, new[] { 0.5, 1.0, 0.0, 0.75 })]
    public void BoltzmannSamplesMatchSoftmax(double temperature, double[] q)
    {
        var explore = new Boltzmann(Schedule.Constant(temperature));
        var p = new double[q.Length];
        explore.Probabilities(q, 0, p);
        double z = q.Sum(x => Math.Exp(x / temperature));
        for (int a = 0; a < q.Length; a++) Assert.Equal(Math.Exp(q[a] / temperature) / z, p[a], 12);
        AssertSamplesMatch(explore, q);
        // huge Q values do not overflow
        explore.Probabilities(q.Select(x => x * 1e6).ToArray(), 0, p);
        Assert.All(p, x => Assert.True(double.IsFinite(x)));
    }

    [Fact]
    public void SchedulesAreReadAtTheGivenProgress()
    {
        var explore = new EpsilonGreedy(Schedule.Linear(1.0, 0.0, 0.5));
        Assert.Equal(1.0, explore.EpsilonAt(0));
        Assert.Equal(0.5, explore.EpsilonAt(0.25), 15);
        Assert.Equal(0.0, explore.EpsilonAt(0.9));
        var rng = new Rng(1);
        for (int i = 0; i < 100; i++) Assert.Equal(2, explore.Select([0.0, 1.0, 5.0], 0.9, rng));
    }

    private static void AssertSamplesMatch(IExplorationStrategy explore, double[] q)
    {
        var p = new double[q.Length];
        explore.Probabilities(q, 0, p);
        Assert.Equal(1.0, p.Sum(), 12);
        var counts = new int[q.Length];
        var rng = new Rng(42);
        const int n = 200_000;
        for (int i = 0; i < n; i++) counts[explore.Select(q, 0, rng)]++;
        for (int a = 0; a < q.Length; a++)
        {
            double sd = Math.Sqrt(p[a] * (1 - p[a]) / n);
            Assert.True(Math.Abs(counts[a] / (double)n - p[a]) <= 5 * sd + 1e-12, $"action {a}: frequency {counts[a] / (double)n}, probability {p[a]}");
        }
    }
}
