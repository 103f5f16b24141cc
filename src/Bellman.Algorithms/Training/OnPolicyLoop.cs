using Bellman.Algorithms.ActorCritic;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.Training;

/// <summary>An on-policy algorithm's update rule as the shared <see cref="OnPolicyLoop"/> sees it.</summary>
public interface IOnPolicyUpdate
{
    /// <summary>The agent (policy, critic, optimizers).</summary>
    ActorCriticAgent Agent { get; }

    /// <summary>The keyed values the rule records (columns of metrics.csv).</summary>
    IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>Learns from one rollout; false when the rollout held nothing to learn from (no complete episode for REINFORCE).</summary>
    bool Update(Rollout rollout, in UpdateContext context);
}

/// <summary>
/// The one on-policy training loop (REINFORCE, batch and online actor-critic, A2C): run π_θ for
/// <c>n_steps</c> steps in each of the synchronous environments, recording (s, a, r, s', terminated, ended)
/// with the true final observation at every episode end, and V̂(s') wherever s' does not start the next
/// row — the value of a truncated step's final observation (truncation bootstraps, termination does not)
/// and of the observation after the rollout — then hand the rollout to the algorithm's update rule,
/// which evaluates V̂(s) itself; evaluate and report. The loop can be run again to continue.
/// </summary>
public sealed class OnPolicyLoop
{
    private readonly IVectorEnvironment _envs;
    private readonly IEnvironment? _evalEnv;
    private readonly IOnPolicyUpdate _algorithm;
    private readonly OnPolicyOptions _options;
    private readonly int _seed;
    private readonly RunBookkeeping _book;
    private Rng? _actionRng, _updateRng;

    /// <summary>Creates the loop; all randomness derives from <paramref name="seed"/>.</summary>
    public OnPolicyLoop(IVectorEnvironment envs, IEnvironment? evalEnv, IOnPolicyUpdate algorithm, OnPolicyOptions options, int seed)
    {
        options.Validate();
        var agent = algorithm.Agent;
        if ((agent.ActionSpace is Discrete) != (envs.SingleActionSpace is Discrete) || agent.ActionSpace.FlatSize != envs.SingleActionSpace.FlatSize)
            throw new ArgumentException($"The agent acts in {agent.ActionSpace}, but the environment's action space is {envs.SingleActionSpace}.");
        if (agent.ObservationSpace.FlatSize != envs.ObservationSize)
            throw new ArgumentException($"The agent observes {agent.ObservationSpace}, but the environment's observations have {envs.ObservationSize} values.");
        _envs = envs;
        _evalEnv = evalEnv;
        _algorithm = algorithm;
        _options = options;
        _seed = seed;
        _book = new RunBookkeeping(new UpdateMetrics(algorithm.Metrics), new RunState(), options.EvalFrequency, options.EvalEpisodes, options.LogInterval)
            { StopAtReturn = options.StopAtReturn };
        Rollout = new Rollout(envs.NumEnvs, options.NSteps, agent.ObservationSpace.Shape, agent.Distribution.ActionSize);
    }

    /// <summary>Counters so far; set it before the first run to resume.</summary>
    public RunState State
    {
        get => _book.State;
        set
        {
            if (_actionRng is not null) throw new InvalidOperationException("The run has started; its counters can no longer be replaced.");
            _book.State = value;
        }
    }

    /// <summary>The rollout buffer (reused every iteration).</summary>
    public Rollout Rollout { get; }

    /// <summary>Runs until <paramref name="targetStep"/> environment steps, until an evaluation reaches <c>stop_at_return</c> or until <paramref name="cancellation"/> is signalled.</summary>
    public RunState Run(long targetStep, IMetricsSink? sink = null, CancellationToken cancellation = default)
    {
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
        var metrics = _book.Metrics;
        _book.Sink = sink ?? NullMetricsSink.Instance;
        _book.TargetStep = targetStep;
        _book.StartClock();

        long step = State.Step;
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : at => Evaluate(at, cancellation);
        if (_actionRng is null)
        {
            ulong stream = (ulong)_seed ^ ((ulong)step << 20);
            _actionRng = new Rng(Rng.DeriveSeed(stream, 21));
            _updateRng = new Rng(Rng.DeriveSeed(stream, 22));
            _envs.Reset(_seed + (int)(step % 1_000_000));
        }
        _book.RunPendingEvaluation(evaluate);
        while (step < targetStep && !cancellation.IsCancellationRequested && !_book.ReachedStopReturn)
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
            if (_algorithm.Update(ro, new UpdateContext(Math.Min(1.0, (double)before / targetStep), _updateRng!, metrics)))
                _book.Update(step);
            _book.Advance(before, step, evaluate);
        }
        return State;
    }

    /// <summary>
    /// Writes everything the loop carries between rollouts: its generators, the environments in mid-episode and
    /// the bookkeeping, so that a resumed run is the uninterrupted one bit for bit. Throws
    /// <see cref="NotSupportedException"/> when an environment cannot save its state.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        if (_envs is not IResumable envs) throw new NotSupportedException($"The training environments ({_envs.GetType().Name}) do not save their state.");
        writer.Tag("on-policy");
        writer.Write(_actionRng is not null);
        if (_actionRng is not null)
        {
            writer.Write(_actionRng);
            writer.Write(_updateRng!);
            envs.WriteState(writer);
        }
        _book.WriteState(writer);
        (_algorithm as IResumable)?.WriteState(writer);
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> (before the first run).</summary>
    public void ReadState(BinaryReader reader)
    {
        if (_actionRng is not null) throw new InvalidOperationException("The run has started; its state can no longer be replaced.");
        if (_envs is not IResumable envs) throw new NotSupportedException($"The training environments ({_envs.GetType().Name}) do not restore a state.");
        reader.ExpectTag("on-policy");
        Rng? action = null, update = null;
        if (reader.ReadBoolean())
        {
            (action, update) = (new Rng(1UL), new Rng(1UL));
            reader.ReadInto(action);
            reader.ReadInto(update);
            envs.ReadState(reader);
        }
        _book.ReadState(reader);
        (_algorithm as IResumable)?.ReadState(reader);
        (_actionRng, _updateRng) = (action, update);
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

    /// <summary>Counts an evaluation made outside the loop (a final one) toward the best so far.</summary>
    internal void RecordBest(double meanReturn)
    {
        if (meanReturn > _book.State.BestEvaluation) _book.State = _book.State with { BestEvaluation = meanReturn };
    }

    /// <summary>Evaluates the deterministic policy (argmax or mean) on the evaluation environment.</summary>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation = default)
    {
        if (_evalEnv is null) throw new InvalidOperationException("No evaluation environment was given.");
        return Evaluation.Run(_evalEnv, _algorithm.Agent.Greedy, _options.EvalEpisodes, Evaluation.SeedFor(_seed), step, cancellation);
    }
}
