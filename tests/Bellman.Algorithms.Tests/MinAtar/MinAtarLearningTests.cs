using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Tests.MinAtar;

/// <summary>
/// Convolutional DQN must learn from pixels: MinAtar Breakout (sticky actions and ramping on, as MinAtar's
/// defaults), a fixed seed and a small budget, compared with a uniformly random policy evaluated with the
/// same protocol (the same evaluation seeds, episode k reset with <see cref="Evaluation.SeedFor"/> + k).
/// </summary>
public sealed class MinAtarLearningTests
{
    private const string Breakout = "MinAtar/Breakout-v1";

    /// <summary>The mean return of a uniformly random policy over the evaluation episodes of a run with <paramref name="seed"/>.</summary>
    internal static double RandomPolicyReturn(string env, int episodes, int seed)
    {
        var environment = EnvironmentSource.FromId(env).MakeEvaluationEnvironment()!;
        var rng = new Rng(Rng.DeriveSeed((ulong)seed, 99));
        int actions = environment.ActionSpace.FlatSize == 1 ? ((Discrete)environment.ActionSpace).N : 0;
        return Evaluation.Run(environment, (_, a) => a[0] = rng.NextInt(actions), episodes, Evaluation.SeedFor(seed)).MeanReturn;
    }

    /// <summary>
    /// MinAtar's reference preset scaled to a budget of <paramref name="frames"/>: 1,000 random frames (not 5,000),
    /// ε 1.0 → 0.1 over the next 1,000 frames (not 100k), learning rate 1e-3 (not 2.5e-4) and a target copy every 500
    /// updates (not 1,000); everything else as the reference (batch 32, centred RMSprop α 0.95 ε 0.01, Huber, one
    /// update per frame, the 16-filter CNN, sticky actions and ramping).
    /// </summary>
    internal static DqnOptions SmallBudget(long frames) => DqnPresets.MinAtarReference with
    {
        TotalSteps = frames, BufferSize = (int)frames, LearningStarts = 1_000, ExplorationFraction = 1_000.0 / frames, LearningRate = 1e-3,
        TargetUpdateInterval = 500, EvalFrequency = 0, EvalEpisodes = 20,
    };

    [Fact]
    public void DqnBeatsARandomPolicyOnBreakoutWithin10kFrames()
    {
        const int seed = 0;
        using var run = new Dqn(Breakout, SmallBudget(10_000), seed);
        run.Learn();
        double trained = run.Evaluate().MeanReturn;
        double random = RandomPolicyReturn(Breakout, 20, seed);
        Assert.Equal(10_000, run.State.Step);
        // Margin: at least 2 points above random (random scores well under 1 on Breakout).
        Assert.True(trained >= random + 2, $"DQN after 10k frames: {trained}; random policy: {random}");
    }
}
