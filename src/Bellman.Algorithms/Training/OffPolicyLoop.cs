using Bellman.Algorithms.Replay;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.Training;

/// <summary>The data-collection and update schedule of an off-policy run (Stable-Baselines3's meanings).</summary>
public sealed record OffPolicySettings
{
    /// <summary>Environment steps to train for (summed over the parallel environments).</summary>
    public long TotalSteps { get; init; } = 50_000;
    /// <summary>Environment steps of uniformly random actions before learning starts.</summary>
    public int LearningStarts { get; init; } = 100;
    /// <summary>Vector steps between training phases.</summary>
    public int TrainFrequency { get; init; } = 4;
    /// <summary>Gradient steps per phase (−1: one per environment step collected).</summary>
    public int GradientSteps { get; init; } = 1;
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Replay capacity.</summary>
    public int BufferSize { get; init; } = 1_000_000;
    /// <summary>γ.</summary>
    public double Gamma { get; init; } = 0.99;
    /// <summary>n of n-step returns.</summary>
    public int NSteps { get; init; } = 1;
    /// <summary>Prioritized replay.</summary>
    public bool Prioritized { get; init; }
    /// <summary>Priority exponent α.</summary>
    public double PerAlpha { get; init; } = 0.6;
    /// <summary>Initial β, annealed linearly to 1 over training.</summary>
    public double PerBeta { get; init; } = 0.4;
    /// <summary>Priority floor.</summary>
    public double PerEps { get; init; } = 1e-6;
    /// <summary>False: no buffer; each step's transitions make the batch (online Q-iteration).</summary>
    public bool Replay { get; init; } = true;
    /// <summary>Environment steps between evaluations (0: none).</summary>
    public int EvalFrequency { get; init; } = 5_000;
    /// <summary>Episodes per evaluation.</summary>
    public int EvalEpisodes { get; init; } = 10;
    /// <summary>Environment steps between snapshots.</summary>
    public int LogInterval { get; init; } = 1_000;
}

/// <summary>
/// The one off-policy training loop: act (random during warm-up, then by the agent's exploration),
/// step the vector environment, store each transition with its true final observation at an episode
/// end, train every <c>train_freq</c> steps on replay batches, update target networks, evaluate and
/// report. DQN brings only its update rule (<see cref="IOffPolicyAgent"/>); DDPG, TD3 and SAC will too.
/// </summary>
public sealed class OffPolicyLoop
{
    private readonly IVectorEnvironment _envs;
    private readonly IEnvironment? _evalEnv;
    private readonly IOffPolicyAgent _agent;
    private readonly OffPolicySettings _settings;
    private readonly IMetricsSink _sink;
    private readonly Rng _actionRng;
    private readonly Rng _replayRng;
    private readonly int _seed;
    private readonly RunBookkeeping _book;

    /// <summary>Creates the loop; all randomness derives from <paramref name="seed"/>.</summary>
    public OffPolicyLoop(IVectorEnvironment envs, IEnvironment? evalEnv, IOffPolicyAgent agent, OffPolicySettings settings, int seed, IMetricsSink? sink = null, RunState? resumeFrom = null)
    {
        _envs = envs;
        _evalEnv = evalEnv;
        _agent = agent;
        _settings = settings;
        _sink = sink ?? NullMetricsSink.Instance;
        _seed = seed;
        _book = new RunBookkeeping(_sink, resumeFrom ?? new RunState(), settings.TotalSteps, settings.EvalFrequency, settings.LogInterval);
        // Generators derive from the seed and the resume point, so a resumed run is itself reproducible.
        ulong stream = (ulong)seed ^ ((ulong)State.Step << 20);
        _actionRng = new Rng(Rng.DeriveSeed(stream, 11));
        _replayRng = new Rng(Rng.DeriveSeed(stream, 12));
        if (agent.DiscreteActions != envs.SingleActionSpace is Core.Spaces.Discrete)
            throw new ArgumentException($"The agent's actions ({(agent.DiscreteActions ? "discrete" : "continuous")}) do not match the environment's action space {envs.SingleActionSpace}.");
    }

    /// <summary>Counters so far (updated as the loop runs).</summary>
    public RunState State => _book.State;

    /// <summary>The replay buffer (null before <see cref="Run"/> or without replay).</summary>
    public ReplayBuffer? Buffer { get; private set; }

    /// <summary>Runs until the step budget is spent or <paramref name="cancellation"/> is signalled; returns the final state.</summary>
    public RunState Run(CancellationToken cancellation = default)
    {
        var s = _settings;
        int n = _envs.NumEnvs, obsSize = _envs.ObservationSize, actSize = _agent.ActionSize;
        bool discrete = _agent.DiscreteActions;
        Buffer = !s.Replay ? null
            : s.Prioritized ? new PrioritizedReplayBuffer(s.BufferSize, obsSize, actSize, discrete, s.PerAlpha, s.PerEps, n)
            : new ReplayBuffer(s.BufferSize, obsSize, actSize, discrete, n);
        var batch = new ReplayBatch(s.Replay ? s.BatchSize : n, obsSize, actSize);
        var tdErrors = new float[batch.Size];
        var actions = new float[n * actSize];
        var discreteActions = new int[n];
        var previous = new float[n * obsSize];

        long step = State.Step, vectorSteps = 0;
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : at => Evaluate(at, cancellation);

        _envs.Reset(_seed + (int)(step % 1_000_000));
        while (step < s.TotalSteps && !cancellation.IsCancellationRequested)
        {
            double progress = (double)step / s.TotalSteps;
            var obs = _envs.Observations;
            obs.CopyTo(previous);
            if (s.Replay && step < s.LearningStarts)
                for (int i = 0; i < n; i++) _envs.SingleActionSpace.Sample(_actionRng, actions.AsSpan(i * actSize, actSize));
            else
                _agent.Act(obs, n, actions, progress, _actionRng);

            if (discrete)
            {
                for (int i = 0; i < n; i++) discreteActions[i] = (int)actions[i];
                _envs.Step(discreteActions);
            }
            else
            {
                _envs.Step(actions);
            }

            var rewards = _envs.Rewards;
            var terminated = _envs.Terminated;
            var truncated = _envs.Truncated;
            var ended = _envs.EndedThisStep;
            for (int i = 0; i < n; i++)
            {
                var next = ended[i] ? _envs.FinalObservations.Slice(i * obsSize, obsSize) : _envs.Observations.Slice(i * obsSize, obsSize);
                var prev = previous.AsSpan(i * obsSize, obsSize);
                if (Buffer is not null)
                {
                    if (discrete) Buffer.Add(prev, discreteActions[i], rewards[i], next, terminated[i], truncated[i], i);
                    else Buffer.Add(prev, actions.AsSpan(i * actSize, actSize), rewards[i], next, terminated[i], truncated[i], i);
                }
                else
                {
                    prev.CopyTo(batch.Observations.AsSpan(i * obsSize, obsSize));
                    next.CopyTo(batch.NextObservations.AsSpan(i * obsSize, obsSize));
                    actions.AsSpan(i * actSize, actSize).CopyTo(batch.Actions.AsSpan(i * actSize, actSize));
                    if (discrete) batch.DiscreteActions[i] = discreteActions[i];
                    batch.Returns[i] = (float)rewards[i];
                    batch.Discounts[i] = terminated[i] ? 0f : (float)s.Gamma;
                    batch.Weights[i] = 1f;
                    batch.Indices[i] = i;
                }
                if (ended[i]) _book.Episode(step + i + 1, _envs.FinalReturns[i], _envs.FinalLengths[i]);
            }
            long before = step;
            step += n;
            vectorSteps++;
            _agent.OnEnvironmentSteps(step, before);

            if (!s.Replay)
            {
                Record(_agent.Train(batch, tdErrors, progress), step);
            }
            else if (step > s.LearningStarts && vectorSteps % s.TrainFrequency == 0)
            {
                int gradientSteps = s.GradientSteps == -1 ? s.TrainFrequency * n : s.GradientSteps;
                double beta = s.PerBeta + (1.0 - s.PerBeta) * progress;
                for (int k = 0; k < gradientSteps; k++)
                {
                    if (Buffer is PrioritizedReplayBuffer per)
                    {
                        per.Sample(_replayRng, batch, s.Gamma, s.NSteps, beta);
                        Record(_agent.Train(batch, tdErrors, progress), step);
                        per.UpdatePriorities(batch.Indices, tdErrors);
                    }
                    else
                    {
                        Buffer!.Sample(_replayRng, batch, s.Gamma, s.NSteps);
                        Record(_agent.Train(batch, tdErrors, progress), step);
                    }
                }
            }

            _book.Advance(before, step, _agent.Exploration(progress), evaluate);
        }
        return State;

        void Record(UpdateStats stats, long atStep) => _book.Update(stats.Loss, stats.MeanQ, atStep);
    }

    /// <summary>Evaluates the agent's greedy policy on the evaluation environment.</summary>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation = default)
    {
        if (_evalEnv is null) throw new InvalidOperationException("No evaluation environment was given.");
        // The same evaluation seeds every time, so that evaluations are comparable across a run.
        return Evaluation.Run(_evalEnv, _agent.Greedy, _settings.EvalEpisodes, _seed + 1_000_000, step, cancellation);
    }
}
