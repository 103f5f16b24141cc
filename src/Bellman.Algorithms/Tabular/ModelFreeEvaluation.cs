using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Schedules;

namespace Bellman.Algorithms.Tabular;

/// <summary>A value table estimated from samples.</summary>
/// <param name="Values">The estimate of V^π(s) (0 for states never visited).</param>
/// <param name="Visits">How many samples updated each state.</param>
/// <param name="Episodes">The number of episodes run.</param>
public sealed record ValueEstimate(double[] Values, long[] Visits, int Episodes);

/// <summary>
/// Model-free evaluation of a given policy π on an environment with Discrete observations and actions.
/// The policy is π(a|s) row-major [s*A + a] (use <see cref="BellmanOperator.OneHot"/> for a deterministic one).
/// Every episode runs until it terminates, is truncated by the environment, or reaches <c>maxEpisodeSteps</c>.
/// </summary>
public static class ModelFreeEvaluation
{
    /// <summary>
    /// Monte Carlo policy evaluation, the lecture's
    /// <code>V^π(s_t) ≈ (1/N) Σ_i Σ_{t'=t}^T γ^{t'-t} r(s_{i,t'}, a_{i,t'})</code>
    /// with the sample mean kept incrementally. First-visit averages the return after the first visit of s in
    /// each episode; every-visit averages the returns after all visits. A truncated episode's return simply
    /// stops at the cut (Monte Carlo cannot bootstrap), so it is biased when truncation is common.
    /// </summary>
    public static ValueEstimate MonteCarlo(IEnvironment environment, ReadOnlySpan<double> policyProbabilities, int episodes, double gamma, bool firstVisit, Rng rng, int maxEpisodeSteps = 10_000)
    {
        var env = Prepare(environment, policyProbabilities, episodes, gamma, rng, maxEpisodeSteps);
        var pi = policyProbabilities.ToArray();
        var values = new double[env.StateCount];
        var visits = new long[env.StateCount];
        var lastEpisodeSeen = new int[env.StateCount];
        Array.Fill(lastEpisodeSeen, -1);
        var states = new List<int>();
        var rewards = new List<double>();
        var firstVisitAt = new int[env.StateCount];
        int? seed = rng.NextInt(int.MaxValue);
        for (int episode = 0; episode < episodes; episode++)
        {
            states.Clear();
            rewards.Clear();
            int s = env.Reset(seed);
            seed = null;
            while (true)
            {
                var step = env.Step(Sample(pi, s, env.ActionCount, rng));
                states.Add(s);
                rewards.Add(step.Reward);
                if (lastEpisodeSeen[s] != episode)
                {
                    lastEpisodeSeen[s] = episode;
                    firstVisitAt[s] = states.Count - 1;
                }
                if (step.NeedsReset || states.Count >= maxEpisodeSteps) break;
                s = env.Current;
            }
            double g = 0;
            for (int t = states.Count - 1; t >= 0; t--)
            {
                g = rewards[t] + gamma * g;
                int st = states[t];
                if (firstVisit && firstVisitAt[st] != t) continue;
                visits[st]++;
                values[st] += (g - values[st]) / visits[st];
            }
        }
        return new ValueEstimate(values, visits, episodes);
    }

    /// <summary>
    /// TD(0) policy evaluation, the lecture's bootstrapped estimate with a table:
    /// <code>V^π(s) ← V^π(s) + α [ r + γ V^π(s') - V^π(s) ]</code>
    /// with y = r on a terminated transition and bootstrapping from s' on a truncated one.
    /// α comes from <paramref name="learningRate"/> at progress episode / episodes.
    /// </summary>
    public static ValueEstimate TemporalDifference(IEnvironment environment, ReadOnlySpan<double> policyProbabilities, int episodes, double gamma, Schedule learningRate, Rng rng, int maxEpisodeSteps = 10_000)
    {
        ArgumentNullException.ThrowIfNull(learningRate);
        var env = Prepare(environment, policyProbabilities, episodes, gamma, rng, maxEpisodeSteps);
        var pi = policyProbabilities.ToArray();
        var values = new double[env.StateCount];
        var visits = new long[env.StateCount];
        int? seed = rng.NextInt(int.MaxValue);
        for (int episode = 0; episode < episodes; episode++)
        {
            double progress = (double)episode / episodes;
            double alpha = learningRate.ValueAt(progress);
            if (!(alpha > 0 && alpha <= 1))
                throw new ArgumentOutOfRangeException(nameof(learningRate), alpha, $"the learning rate must lie in (0, 1]; the schedule gives {alpha} at progress {progress}.");
            int s = env.Reset(seed);
            seed = null;
            for (int steps = 1; ; steps++)
            {
                var step = env.Step(Sample(pi, s, env.ActionCount, rng));
                int next = env.Current;
                values[s] = TdTargets.Step(values[s], TdTargets.StateValue(step.Reward, values[next], step.Terminated, gamma), alpha);
                visits[s]++;
                if (step.NeedsReset || steps >= maxEpisodeSteps) break;
                s = next;
            }
        }
        return new ValueEstimate(values, visits, episodes);
    }

    private static DiscreteEnvironment Prepare(IEnvironment environment, ReadOnlySpan<double> policyProbabilities, int episodes, double gamma, Rng rng, int maxEpisodeSteps)
    {
        ArgumentNullException.ThrowIfNull(rng);
        DpOptions.ValidateGamma(gamma);
        if (episodes <= 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "episodes must be positive.");
        if (maxEpisodeSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "maxEpisodeSteps must be positive.");
        var env = new DiscreteEnvironment(environment);
        env.CheckStates(policyProbabilities.Length, env.ActionCount, nameof(policyProbabilities));
        BellmanOperator.ValidatePolicy(policyProbabilities, env.StateCount, env.ActionCount);
        return env;
    }

    internal static int Sample(double[] pi, int state, int actions, Rng rng) => rng.Categorical(pi.AsSpan(state * actions, actions));
}
