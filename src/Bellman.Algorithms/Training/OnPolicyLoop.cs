using Bellman.Algorithms.ActorCritic;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.Training;

/// <summary>What one on-policy update reports.</summary>
/// <param name="PolicyLoss">The policy-gradient surrogate −mean(Â log π(a|s)).</param>
/// <param name="ValueLoss">The critic's squared error (NaN without a critic).</param>
/// <param name="Entropy">The mean policy entropy.</param>
/// <param name="MeanValue">The mean V̂(s) over the batch (NaN without a critic).</param>
public readonly record struct OnPolicyStats(double PolicyLoss, double ValueLoss, double Entropy, double MeanValue);

/// <summary>An on-policy algorithm's update rule as the shared <see cref="OnPolicyLoop"/> sees it.</summary>
public interface IOnPolicyAlgorithm
{
    /// <summary>The agent (policy, critic, optimizers).</summary>
    ActorCriticAgent Agent { get; }

    /// <summary>Learns from one rollout; null when the rollout held nothing to learn from (no complete episode for REINFORCE).</summary>
    OnPolicyStats? Update(Rollout rollout, double progress);
}

/// <summary>The schedule of an on-policy run.</summary>
public sealed record OnPolicySettings
{
    /// <summary>Environment steps to train for (summed over the environments).</summary>
    public long TotalSteps { get; init; } = 100_000;
    /// <summary>Steps per environment per rollout.</summary>
    public int NSteps { get; init; } = 5;
    /// <summary>Environment steps between evaluations (0: none).</summary>
    public int EvalFrequency { get; init; } = 10_000;
    /// <summary>Episodes per evaluation.</summary>
    public int EvalEpisodes { get; init; } = 10;
    /// <summary>Environment steps between snapshots.</summary>
    public int LogInterval { get; init; } = 1_000;
}

/// <summary>
/// The one on-policy training loop (REINFORCE, batch and online actor-critic, A2C): run π_θ for
/// <c>n_steps</c> steps in each of the synchronous environments, recording (s, a, r, s', terminated, ended)
/// with the true final observation at every episode end, and V̂(s') wherever s' does not start the next
/// row — the value of a truncated step's final observation (truncation bootstraps, termination does not)
/// and of the observation after the rollout — then hand the rollout to the algorithm's update rule,
/// which evaluates V̂(s) itself; evaluate and report.
/// </summary>
public sealed class OnPolicyLoop
{
    private readonly IVectorEnvironment _envs;
    private readonly IEnvironment? _evalEnv;
    private readonly IOnPolicyAlgorithm _algorithm;
    private readonly OnPolicySettings _settings;
    private readonly IMetricsSink _sink;
    private readonly Rng _actionRng;
    private readonly int _seed;
    private readonly RunBookkeeping _book;

    /// <summary>Creates the loop; all randomness derives from <paramref name="seed"/>.</summary>
    public OnPolicyLoop(IVectorEnvironment envs, IEnvironment? evalEnv, IOnPolicyAlgorithm algorithm, OnPolicySettings settings, int seed, IMetricsSink? sink = null, RunState? resumeFrom = null)
    {
        _envs = envs;
        _evalEnv = evalEnv;
        _algorithm = algorithm;
        _settings = settings;
        _sink = sink ?? NullMetricsSink.Instance;
        _seed = seed;
        _book = new RunBookkeeping(_sink, resumeFrom ?? new RunState(), settings.TotalSteps, settings.EvalFrequency, settings.LogInterval);
        ulong stream = (ulong)seed ^ ((ulong)State.Step << 20);
        _actionRng = new Rng(Rng.DeriveSeed(stream, 21));
        if (algorithm.Agent.DiscreteActions != envs.SingleActionSpace is Core.Spaces.Discrete)
            throw new ArgumentException($"The agent's actions do not match the environment's action space {envs.SingleActionSpace}.");
        Rollout = new Rollout(envs.NumEnvs, settings.NSteps, envs.ObservationSize, algorithm.Agent.Distribution.ActionSize);
    }

    /// <summary>Counters so far.</summary>
    public RunState State => _book.State;

    /// <summary>The rollout buffer (reused every iteration).</summary>
    public Rollout Rollout { get; }

    /// <summary>Runs until the step budget is spent or <paramref name="cancellation"/> is signalled.</summary>
    public RunState Run(CancellationToken cancellation = default)
    {
        var s = _settings;
        var agent = _algorithm.Agent;
        var ro = Rollout;
        int n = _envs.NumEnvs, obsSize = _envs.ObservationSize, actSize = ro.ActionSize, T = ro.Steps;
        bool discrete = agent.DiscreteActions, critic = agent.Network.HasCritic;
        var actions = new float[n * actSize];
        var stepActions = new float[n * actSize];
        var discreteActions = new int[n];
        var bootstrapRows = new int[n * T];
        var bootstrapObs = new float[n * T * obsSize];
        var bootstrapValues = new float[n * T];

        long step = State.Step;
        double entropy = double.NaN;
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : at => Evaluate(at, cancellation);

        _envs.Reset(_seed + (int)(step % 1_000_000));
        while (step < s.TotalSteps && !cancellation.IsCancellationRequested)
        {
            long before = step;
            // 1. Sample: run π_θ for T steps in every environment.
            for (int t = 0; t < T; t++)
            {
                var obs = _envs.Observations;
                agent.Act(obs, n, actions, _actionRng);
                for (int i = 0; i < n; i++)
                {
                    int row = ro.Row(i, t);
                    obs.Slice(i * obsSize, obsSize).CopyTo(ro.Observations.AsSpan(row * obsSize, obsSize));
                    actions.AsSpan(i * actSize, actSize).CopyTo(ro.Actions.AsSpan(row * actSize, actSize));
                }
                if (discrete)
                {
                    for (int i = 0; i < n; i++) discreteActions[i] = (int)actions[i];
                    _envs.Step(discreteActions);
                }
                else
                {
                    actions.CopyTo(stepActions, 0);
                    for (int i = 0; i < n; i++) agent.ClipToBounds(stepActions.AsSpan(i * actSize, actSize));
                    _envs.Step(stepActions);
                }
                var rewards = _envs.Rewards;
                var terminated = _envs.Terminated;
                var ended = _envs.EndedThisStep;
                for (int i = 0; i < n; i++)
                {
                    int row = ro.Row(i, t);
                    ro.Rewards[row] = (float)rewards[i];
                    ro.Terminated[row] = terminated[i];
                    ro.Ended[row] = ended[i];
                    var next = ended[i] ? _envs.FinalObservations.Slice(i * obsSize, obsSize) : _envs.Observations.Slice(i * obsSize, obsSize);
                    next.CopyTo(ro.NextObservations.AsSpan(row * obsSize, obsSize));
                    if (ended[i]) _book.Episode(step + i + 1, _envs.FinalReturns[i], _envs.FinalLengths[i]);
                }
                step += n;
            }
            // V̂(s_{t+1}) where s_{t+1} does not start the next row: one batched pass for truncated and last steps.
            Array.Clear(ro.NextValues);
            if (critic) Bootstrap(ro, agent, bootstrapRows, bootstrapObs, bootstrapValues);

            // 2–5. The algorithm's update rule.
            var stats = _algorithm.Update(ro, Math.Min(1.0, (double)before / s.TotalSteps));
            if (stats is OnPolicyStats u)
            {
                _book.Update(u.PolicyLoss + (double.IsNaN(u.ValueLoss) ? 0 : u.ValueLoss), u.MeanValue, step);
                entropy = u.Entropy;
            }
            _book.Advance(before, step, entropy, evaluate);
        }
        return State;
    }

    private static void Bootstrap(Rollout ro, ActorCriticAgent agent, int[] rows, float[] obs, float[] values)
    {
        int obsSize = ro.ObservationSize, count = 0;
        for (int row = 0; row < ro.Size; row++)
        {
            if (!ro.NeedsBootstrap(row)) continue;
            ro.NextObservations.AsSpan(row * obsSize, obsSize).CopyTo(obs.AsSpan(count * obsSize, obsSize));
            rows[count++] = row;
        }
        if (count == 0) return;
        agent.Values(obs, count, values);
        for (int k = 0; k < count; k++) ro.NextValues[rows[k]] = values[k];
    }

    /// <summary>Evaluates the deterministic policy (argmax or mean) on the evaluation environment.</summary>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation = default)
    {
        if (_evalEnv is null) throw new InvalidOperationException("No evaluation environment was given.");
        return Evaluation.Run(_evalEnv, _algorithm.Agent.Greedy, _settings.EvalEpisodes, _seed + 1_000_000, step, cancellation);
    }
}
