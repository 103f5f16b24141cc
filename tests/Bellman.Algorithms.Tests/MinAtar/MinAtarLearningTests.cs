using Bellman.Algorithms.ActorCritic;
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
        // 10,000 frames, 9,000 updates; about 10 s of CPU time. Seeds 0-4 reach 1.6 / 1.7 / 1.85 / 3.8 / 1.75 against a
        // random policy's 0.25 / 0.75 / 0.3 / 0.25 / 0.25 on the same evaluation seeds: a margin of 1 holds on four of
        // the five (seed 1: 0.95); seed 0 is tested.
        const int seed = 0;
        using var run = new Dqn(Breakout, SmallBudget(10_000), seed);
        run.Learn();
        double trained = run.Evaluate().MeanReturn;
        double random = RandomPolicyReturn(Breakout, 20, seed);
        Assert.Equal(10_000, run.State.Step);
        Assert.Equal(9_000, run.State.Updates);
        Assert.True(trained >= random + 1.0, $"DQN after 10k frames: {trained}; random policy: {random}");
    }

    [Fact]
    public void A2cBeatsARandomPolicyOnBreakoutWithin50kFrames()
    {
        // The minatar-a2c preset (16 envs × 5 steps, shared CNN trunk) for 50,000 frames = 625 updates; a few seconds
        // of CPU time. Seeds 0-4 reach 3.25 / 3.1 / 2.9 / 1.15 / 2.95 (random: 0.25 / 0.75 / 0.3 / 0.25 / 0.25): a margin
        // of 1.5 holds on four of the five (seed 3: 0.9); seed 0 is tested.
        const int seed = 0;
        var options = OnPolicyPresets.MinAtarA2c with { TotalSteps = 50_000, EvalFrequency = 0, EvalEpisodes = 20 };
        using var run = TestRuns.Make(options, Breakout, seed: seed);
        run.Learn();
        double trained = run.Evaluate().MeanReturn;
        double random = RandomPolicyReturn(Breakout, 20, seed);
        Assert.Equal(50_000 / 80, run.State.Updates);
        Assert.True(trained >= random + 1.5, $"A2C after 50k frames: {trained}; random policy: {random}");
    }
}
