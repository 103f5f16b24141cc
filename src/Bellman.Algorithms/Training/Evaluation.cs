using Bellman.Core.Environments;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Training;

/// <summary>Runs a deterministic policy for whole episodes and reports the returns.</summary>
public static class Evaluation
{
    /// <summary>
    /// The first evaluation seed of a run with seed <paramref name="runSeed"/>: episode k of every evaluation
    /// (during training and by <c>bellman eval</c>) resets with <c>runSeed + 1,000,000 + k</c>, away from the
    /// training environments' seeds, so that a checkpoint's evaluation can be repeated exactly.
    /// </summary>
    public static int SeedFor(int runSeed) => unchecked(runSeed + 1_000_000);

    /// <summary>
    /// Runs <paramref name="episodes"/> episodes of <paramref name="policy"/> (observation → action) on
    /// <paramref name="env"/>, episode k reset with seed <paramref name="seed"/> + k. An episode that neither
    /// terminates nor is truncated within <paramref name="maxEpisodeSteps"/> steps is cut there, so that a
    /// deterministic policy looping forever in an environment without a time limit still ends.
    /// </summary>
    public static EvaluationRecord Run(IEnvironment env, Action<ReadOnlySpan<float>, Span<float>> policy, int episodes, int seed, long step = 0,
        CancellationToken cancellation = default, int maxEpisodeSteps = 100_000)
    {
        if (episodes <= 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "episodes must be positive.");
        if (maxEpisodeSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "maxEpisodeSteps must be positive.");
        var action = new float[env.ActionSpace.FlatSize];
        var returns = new List<double>(episodes);
        for (int k = 0; k < episodes && !cancellation.IsCancellationRequested; k++)
        {
            var obs = env.Reset(seed + k);
            double total = 0;
            for (int t = 1; ; t++)
            {
                policy(obs, action);
                var r = env.ActionSpace is Discrete ? env.Step((int)action[0]) : env.Step(action);
                total += r.Reward;
                if (r.Terminated || r.Truncated || t >= maxEpisodeSteps) break;
                obs = env.Observation;
            }
            returns.Add(total);
        }
        if (returns.Count == 0) return new EvaluationRecord(step, double.NaN, double.NaN, returns);
        double mean = returns.Average();
        double std = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / returns.Count);
        return new EvaluationRecord(step, mean, std, returns);
    }
}
