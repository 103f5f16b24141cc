using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms.Tests.ValueBased;

/// <summary>DQN must actually learn: a fixed seed, a stated budget, a stated return.</summary>
public class DqnLearningTests
{
    [Fact]
    public void DqnReachesAMeanReturnOf195OnCartPoleWithin15kSteps()
    {
        // 15,000 environment steps, one gradient step per environment step after 1,000 random steps,
        // a hard target update every 500 steps; greedy evaluation over 10 episodes every 2,500 steps.
        var options = new DqnOptions
        {
            TotalSteps = 15_000, NetArch = [64, 64], LearningRate = 5e-4, TrainFrequency = 4, GradientSteps = 4, BatchSize = 64,
            BufferSize = 15_000, TargetUpdateInterval = 500, LearningStarts = 1_000, ExplorationFraction = 0.2, ExplorationFinalEps = 0.02,
            EvalFrequency = 2_500, EvalEpisodes = 10,
        };
        using var run = new Dqn("CartPole-v1", options, seed: 0);
        var state = run.Learn().State;
        Assert.Equal(15_000, state.Step);
        Assert.True(state.BestEvaluation >= 195, $"best greedy evaluation {state.BestEvaluation} is below 195");
    }
}
