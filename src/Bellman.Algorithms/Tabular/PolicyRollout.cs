using Bellman.Core.Environments;
using Bellman.Core.Random;

namespace Bellman.Algorithms.Tabular;

/// <summary>The returns of a policy over evaluation episodes.</summary>
/// <param name="Mean">The mean undiscounted return.</param>
/// <param name="Std">The population standard deviation of the returns.</param>
/// <param name="Returns">Every episode's undiscounted return.</param>
/// <param name="Cut">How many episodes reached the step cap of the rollout (neither terminated nor truncated by the environment).</param>
public sealed record RolloutSummary(double Mean, double Std, double[] Returns, int Cut);

/// <summary>Runs a fixed deterministic policy (for example the greedy policy of a learned Q) for evaluation.</summary>
public static class PolicyRollout
{
    /// <summary>
    /// Runs <paramref name="episodes"/> episodes of π(s) on the environment, the first reset seeded from
    /// <paramref name="rng"/>, and returns the mean and standard deviation of the undiscounted returns.
    /// An episode is cut after <paramref name="maxEpisodeSteps"/> steps, so a policy that loops forever
    /// in an environment without a time limit still ends.
    /// </summary>
    public static RolloutSummary Evaluate(IEnvironment environment, ReadOnlySpan<int> policy, int episodes, Rng rng, int maxEpisodeSteps = 10_000)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return Run(environment, policy, episodes, rng.NextInt(int.MaxValue), perEpisode: false, maxEpisodeSteps);
    }

    /// <summary>
    /// Runs <paramref name="episodes"/> episodes of π(s), episode k reset with seed <paramref name="firstSeed"/> + k
    /// (as <see cref="Training.Evaluation.Run"/> seeds every evaluation of a run), so that the evaluation of a
    /// checkpoint can be repeated exactly. Episodes are cut after <paramref name="maxEpisodeSteps"/> steps.
    /// </summary>
    public static RolloutSummary EvaluateSeeded(IEnvironment environment, ReadOnlySpan<int> policy, int episodes, int firstSeed, int maxEpisodeSteps = DefaultMaxEpisodeSteps)
    {
        if (firstSeed < 0) throw new ArgumentOutOfRangeException(nameof(firstSeed), firstSeed, "firstSeed must be non-negative.");
        return Run(environment, policy, episodes, firstSeed, perEpisode: true, maxEpisodeSteps);
    }

    /// <summary>The step cap of an evaluation episode (a deterministic policy may loop forever without a time limit).</summary>
    public const int DefaultMaxEpisodeSteps = 10_000;

    private static RolloutSummary Run(IEnvironment environment, ReadOnlySpan<int> policy, int episodes, int firstSeed, bool perEpisode, int maxEpisodeSteps)
    {
        if (episodes <= 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "episodes must be positive.");
        if (maxEpisodeSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "maxEpisodeSteps must be positive.");
        var env = new DiscreteEnvironment(environment);
        env.CheckStates(policy.Length, 1, nameof(policy));
        BellmanOperator.OneHot(policy, env.StateCount, env.ActionCount); // validates the actions
        var returns = new double[episodes];
        int cut = 0;
        for (int episode = 0; episode < episodes; episode++)
        {
            int? seed = perEpisode ? firstSeed + episode : episode == 0 ? firstSeed : null;
            int s = env.Reset(seed);
            double total = 0;
            for (int steps = 1; ; steps++)
            {
                var step = env.Step(policy[s]);
                total += step.Reward;
                if (step.NeedsReset) break;
                if (steps >= maxEpisodeSteps)
                {
                    cut++;
                    break;
                }
                s = env.Current;
            }
            returns[episode] = total;
        }
        double mean = returns.Average();
        double variance = 0;
        foreach (double g in returns) variance += (g - mean) * (g - mean);
        return new RolloutSummary(mean, Math.Sqrt(variance / episodes), returns, cut);
    }
}
