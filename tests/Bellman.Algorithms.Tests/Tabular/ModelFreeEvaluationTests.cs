using Bellman.Algorithms.Tabular;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Xunit;

namespace Bellman.Algorithms.Tests.Tabular;

public sealed class ModelFreeEvaluationTests
{
    // The optimal policy of slippery FrozenLake terminates with probability 1 (hole or goal), so no time limit is needed.
    private static (ReferenceModel R, double[] Pi, double[] Exact) SlipperyOptimal(double gamma)
    {
        var r = ReferenceModel.Load(ReferenceModel.FrozenLakeSlippery);
        var pi = BellmanOperator.OneHot(r.Policy, 16, 4);
        return (r, pi, PolicyEvaluation.Solve(r.Model, pi, gamma).Values);
    }

    private static void AssertNear(double[] exact, ValueEstimate estimate, double tolerance, long minVisits, string what)
    {
        int checkedStates = 0;
        for (int s = 0; s < exact.Length; s++)
        {
            if (estimate.Visits[s] < minVisits) continue;
            checkedStates++;
            Assert.True(Math.Abs(exact[s] - estimate.Values[s]) <= tolerance,
                $"{what}: state {s} ({estimate.Visits[s]} visits): exact {exact[s]:F4}, estimate {estimate.Values[s]:F4}");
        }
        Assert.True(checkedStates >= 8, $"{what}: only {checkedStates} states had {minVisits} visits");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MonteCarloApproachesExactValue(bool firstVisit)
    {
        var (r, pi, exact) = SlipperyOptimal(0.99);
        var estimate = ModelFreeEvaluation.MonteCarlo(new ModelEnvironment(r.Model), pi, 4000, 0.99, firstVisit, new Rng(3));
        AssertNear(exact, estimate, 0.05, 1000, firstVisit ? "first-visit" : "every-visit");
        // the start state is visited in every episode: once per episode for first-visit, at least that for every-visit
        if (firstVisit) Assert.Equal(4000, estimate.Visits[0]);
        else Assert.True(estimate.Visits[0] >= 4000);
    }

    [Fact]
    public void FirstVisitCountsOneVisitPerEpisode()
    {
        // state 0 of the two-state chain repeats itself; first-visit counts it once per episode, every-visit more often
        var model = SmallMdps.TwoStateChain();
        var env = new ModelEnvironment(model);
        var first = ModelFreeEvaluation.MonteCarlo(env, [1.0, 1.0], 500, 0.9, firstVisit: true, new Rng(1));
        var every = ModelFreeEvaluation.MonteCarlo(env, [1.0, 1.0], 500, 0.9, firstVisit: false, new Rng(1));
        Assert.Equal(500, first.Visits[0]);
        Assert.True(every.Visits[0] > 700, $"every-visit saw s0 {every.Visits[0]} times");
        double v1 = 2 / (1 - 0.45), v0 = (1 + 0.45 * v1) / (1 - 0.45);
        Assert.True(Math.Abs(first.Values[0] - v0) < 0.15 * v0, $"first-visit V(s0) = {first.Values[0]}, exact {v0}");
    }

    [Fact]
    public void TdZeroApproachesExactValue()
    {
        var (r, pi, exact) = SlipperyOptimal(0.99);
        var estimate = ModelFreeEvaluation.TemporalDifference(new ModelEnvironment(r.Model), pi, 6000, 0.99, Schedule.Linear(0.05, 0.005), new Rng(4));
        AssertNear(exact, estimate, 0.05, 1000, "TD(0)");
    }

    [Fact]
    public void TdZeroBootstrapsThroughTruncation()
    {
        // reward 1 forever, truncated every 5 steps: TD(0) still converges to 1 / (1 - γ) = 4
        var loop = SmallMdps.FromTable(1, 1, new() { [(0, 0)] = [new(1, 0, 1, false)] });
        var estimate = ModelFreeEvaluation.TemporalDifference(new ModelEnvironment(loop, timeLimit: 5), [1.0], 400, 0.75, Schedule.Constant(0.5), new Rng(0));
        Assert.Equal(4.0, estimate.Values[0], 9);
        // Monte Carlo cannot bootstrap: with γ = 0.75 a 5-step return averages over t = 0..4 to well below 4
        var mc = ModelFreeEvaluation.MonteCarlo(new ModelEnvironment(loop, timeLimit: 5), [1.0], 10, 0.75, firstVisit: false, new Rng(0));
        Assert.True(mc.Values[0] < 3.0);
    }

    [Fact]
    public void BadInputsAreRejectedByName()
    {
        var env = new ModelEnvironment(SmallMdps.ThreeStateLine(), 10);
        Assert.Contains("policyProbabilities has 2 entries", Assert.Throws<ArgumentException>(() => ModelFreeEvaluation.MonteCarlo(env, [1.0, 0.0], 10, 0.9, true, new Rng(0))).Message);
        Assert.Contains("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => ModelFreeEvaluation.TemporalDifference(env, [1, 0, 1, 0, 1, 0], 10, 2, Schedule.Constant(0.1), new Rng(0))).Message);
        Assert.Contains("episodes", Assert.Throws<ArgumentOutOfRangeException>(() => ModelFreeEvaluation.MonteCarlo(env, [1, 0, 1, 0, 1, 0], 0, 0.9, true, new Rng(0))).Message);
    }
}
