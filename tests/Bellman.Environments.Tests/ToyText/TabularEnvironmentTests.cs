using Bellman.Core.Environments;
using Bellman.Core.Tabular;
using Bellman.Environments.ToyText;
using Xunit;

namespace Bellman.Environments.Tests.ToyText;

public sealed class TabularEnvironmentTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.19999, 0)]
    [InlineData(0.2, 1)]   // cumulative 0.2 is not > 0.2
    [InlineData(0.69, 1)]
    [InlineData(0.7, 2)]   // 0.2 + 0.5 == 0.7 exactly in double, not > 0.7
    [InlineData(0.99999, 2)]
    [InlineData(1.0, 0)]   // no cumulative sum exceeds u: NumPy's argmax of all-false is 0
    public void CategoricalSampleTakesFirstCumulativeAboveDraw(double u, int expected) =>
        Assert.Equal(expected, TabularEnvironment.CategoricalSample([0.2, 0.5, 0.3], u));

    [Fact]
    public void CategoricalSampleSkipsZeroProbabilities()
    {
        Assert.Equal(1, TabularEnvironment.CategoricalSample([0.0, 1.0], 0.0));
        Assert.Equal(2, TabularEnvironment.CategoricalSample([0.5, 0.0, 0.5], 0.5));
    }

    /// <summary>Two states, two actions: action 0 stays, action 1 moves to the other state with probability 0.25, state 1 is terminal on arrival.</summary>
    private static TabularModel TwoStateModel() => new(2, 2, (s, a) => a == 0
            ? [new Outcome(1.0, s, 0, false)]
            : [new Outcome(0.75, s, -1, false), new Outcome(0.25, 1 - s, 5, 1 - s == 1)],
        [1.0, 0.0]);

    [Fact]
    public void UserModelIsUsableDirectly()
    {
        var env = new TabularEnvironment(TwoStateModel());
        Assert.Equal("Discrete(2)", env.ObservationSpace.ToString());
        Assert.Equal("Discrete(2)", env.ActionSpace.ToString());
        Assert.Equal(0, env.GridColumns);
        Assert.Equal([0f], env.Reset(seed: 1).ToArray());
        Assert.Equal(1.0, env.LastTransitionProbability);
        Assert.Null(env.LastAction);
        var step = env.Step(0);
        Assert.Equal(new StepResult(0, false, false), step);
        Assert.Equal(0, env.LastAction);
        Span<double> state = stackalloc double[1];
        env.GetState(state);
        Assert.Equal(0.0, state[0]);
        Assert.Equal(1, env.StateSize);
        Assert.Equal("  (0)\nstate 0\n", env.Render());
    }

    [Fact]
    public void GridModelsRenderAsAGrid()
    {
        var model = new TabularModel(4, 1, (s, a) => [new Outcome(1, (s + 1) % 4, 0, false)], [0, 0, 1, 0]);
        var env = new TabularEnvironment(model, gridColumns: 2);
        env.Reset(seed: 0);
        Assert.Equal("\noo\nxo\n", env.Render());
        env.Step(0);
        Assert.Equal("  (0)\noo\nox\n", env.Render());
    }

    [Fact]
    public void StepOutcomeAndInfoComeFromTheModel()
    {
        var env = new TabularEnvironment(TwoStateModel());
        env.Reset(seed: 3);
        for (int i = 0; i < 200; i++)
        {
            var step = env.Step(1);
            if (step.Terminated)
            {
                Assert.Equal(5.0, step.Reward);
                Assert.Equal(0.25, env.LastTransitionProbability);
                Assert.Equal(1f, env.Observation[0]);
                return;
            }
            Assert.Equal(-1.0, step.Reward);
            Assert.Equal(0.75, env.LastTransitionProbability);
            Assert.Equal(0f, env.Observation[0]);
        }
        Assert.Fail("200 steps with a 0.25 chance of termination each never terminated");
    }

    [Fact]
    public void ResetToStateStartsThereAndValidates()
    {
        var env = new TabularEnvironment(TwoStateModel());
        Assert.Equal([1f], env.ResetToState([1.0]).ToArray());
        Assert.Equal(1, env.State);
        Assert.Throws<ArgumentException>(() => env.ResetToState([0.0, 1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.ResetToState([2.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.ResetToState([0.5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.ResetToState([double.NaN]));
    }

    [Fact]
    public void BadConstructionIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TabularEnvironment(TwoStateModel(), gridColumns: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TabularEnvironment(TwoStateModel(), gridColumns: -1));
        var badInitial = new TabularModel(2, 1, (s, a) => [new Outcome(1, s, 0, false)], [0.5, 0.4]);
        var ex = Assert.Throws<ArgumentException>(() => new TabularEnvironment(badInitial));
        Assert.Contains("initial distribution", ex.Message);
    }

    [Fact]
    public void InvalidActionsThrow()
    {
        var env = new FrozenLake();
        env.Reset(seed: 0);
        var ex = Assert.Throws<InvalidActionException>(() => env.Step(4));
        Assert.Contains("Discrete(4)", ex.Message);
        Assert.Throws<InvalidActionException>(() => env.Step(-1));
        Assert.Throws<InvalidActionException>(() => env.Step([1.5f]));
        var taxi = new Taxi();
        taxi.Reset(seed: 0);
        Assert.Throws<InvalidActionException>(() => taxi.Step(6));
    }

    [Fact]
    public void SteppingBeforeResetOrAfterTerminationThrows()
    {
        var env = new FrozenLake(isSlippery: false);
        Assert.Throws<EpisodeEndedException>(() => env.Step(0));
        env.Reset(seed: 0);
        Assert.False(env.Step(1).Terminated); // 0 -> 4
        var fall = env.Step(2);                // 4 -> 5, a hole
        Assert.True(fall.Terminated);
        Assert.Equal(5, env.State);
        Assert.Throws<EpisodeEndedException>(() => env.Step(0));
        env.Reset();
        Assert.Equal(0, env.State);
        env.Step(0);
    }

    [Fact]
    public void SameSeedGivesSameEpisode()
    {
        static List<(int, double, bool)> Run(int seed)
        {
            var env = new FrozenLake(mapName: "8x8");
            var trace = new List<(int, double, bool)>();
            for (int episode = 0; episode < 5; episode++)
            {
                env.Reset(episode == 0 ? seed : null);
                for (int t = 0; t < FrozenLake.MaxEpisodeSteps8x8; t++)
                {
                    var step = env.Step(t % 4);
                    trace.Add((env.State, step.Reward, step.Terminated));
                    if (step.Terminated) break;
                }
            }
            return trace;
        }
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
    }

    [Fact]
    public void TaxiResetIsSeededAndFollowsTheInitialDistribution()
    {
        var a = new Taxi();
        var b = new Taxi();
        Assert.Equal(a.Reset(seed: 7).ToArray(), b.Reset(seed: 7).ToArray());
        var counts = new int[Taxi.StateCount];
        const int n = 60_000;
        for (int i = 0; i < n; i++)
        {
            a.Reset(i == 0 ? 11 : null);
            counts[a.State]++;
        }
        for (int s = 0; s < Taxi.StateCount; s++)
        {
            double p = a.Model.InitialDistribution[s];
            if (p == 0)
            {
                Assert.Equal(0, counts[s]);
                continue;
            }
            double sigma = Math.Sqrt(n * p * (1 - p));
            Assert.InRange(counts[s], n * p - 5 * sigma, n * p + 5 * sigma);
        }
    }

    /// <summary>
    /// Sampled outcomes follow the model: from FrozenLake state 0 with success_rate 0.6, Left has the
    /// outcomes (0.2, Up → 0), (0.6, Left → 0), (0.2, Down → 4), where 0.2 is (1 − 0.6)/2 in double; the pair (next state, info prob)
    /// identifies each, so each outcome's frequency is checked, duplicates included.
    /// </summary>
    [Fact]
    public void SampledOutcomesFollowTheModel()
    {
        var env = new FrozenLake(successRate: 0.6);
        var outcomes = env.Model.OutcomesOf(0, 0).ToArray();
        double fail = (1 - 0.6) / 2;
        Assert.Equal([new Outcome(fail, 0, 0, false), new Outcome(0.6, 0, 0, false), new Outcome(fail, 4, 0, false)], outcomes);
        var counts = new Dictionary<(int, double), int>();
        const int n = 40_000;
        env.Reset(seed: 2024);
        for (int i = 0; i < n; i++)
        {
            env.ResetToState([0.0]);
            env.Step(0);
            var key = (env.State, env.LastTransitionProbability);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(3, counts.Count);
        foreach (var o in outcomes)
        {
            double sigma = Math.Sqrt(n * o.Probability * (1 - o.Probability));
            Assert.InRange(counts[(o.NextState, o.Probability)], n * o.Probability - 5 * sigma, n * o.Probability + 5 * sigma);
        }
    }
}
