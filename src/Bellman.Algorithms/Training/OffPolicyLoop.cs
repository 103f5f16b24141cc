using Bellman.Algorithms.Replay;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Core.State;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.Training;

/// <summary>
/// The one off-policy training loop: act (random during warm-up, then by the agent's exploration),
/// step the vector environment, store each transition with its true final observation at an episode
/// end, train every <c>train_freq</c> steps on replay batches, update target networks, evaluate and
/// report. An algorithm brings only its update rule (<see cref="IOffPolicyAgent"/>). The loop can be run
/// again to continue: environments, replay memory, generators and counters carry over, and
/// <see cref="WriteState"/>/<see cref="ReadState"/> carry them over a checkpoint, so that a resumed run is
/// the uninterrupted one bit for bit.
/// </summary>
public sealed class OffPolicyLoop
{
    private readonly IVectorEnvironment _envs;
    private readonly IEnvironment? _evalEnv;
    private readonly IOffPolicyAgent _agent;
    private readonly OffPolicyOptions _options;
    private readonly int _seed;
    private readonly RunBookkeeping _book;
    private readonly ReplayBatch _batch;
    private readonly float[] _tdErrors, _actions, _previous;
    private readonly int[] _discreteActions;
    private Rng? _actionRng, _replayRng, _updateRng;
    private long _vectorSteps;
    private int _refillUntil;

    /// <summary>Creates the loop; all randomness derives from <paramref name="seed"/>.</summary>
    public OffPolicyLoop(IVectorEnvironment envs, IEnvironment? evalEnv, IOffPolicyAgent agent, OffPolicyOptions options, int seed)
    {
        options.Validate();
        if ((agent.ActionSpace is Discrete) != (envs.SingleActionSpace is Discrete) || agent.ActionSpace.FlatSize != envs.SingleActionSpace.FlatSize)
            throw new ArgumentException($"The agent acts in {agent.ActionSpace}, but the environment's action space is {envs.SingleActionSpace}.");
        if (agent.ObservationSpace.FlatSize != envs.ObservationSize)
            throw new ArgumentException($"The agent observes {agent.ObservationSpace}, but the environment's observations have {envs.ObservationSize} values.");
        _envs = envs;
        _evalEnv = evalEnv;
        _agent = agent;
        _options = options;
        _seed = seed;
        _book = new RunBookkeeping(new UpdateMetrics(agent.Metrics), new RunState(), options.EvalFrequency, options.EvalEpisodes, options.LogInterval)
            { StopAtReturn = options.StopAtReturn };
        int n = envs.NumEnvs, obsSize = envs.ObservationSize, actSize = agent.ActionSpace is Discrete ? 1 : agent.ActionSpace.FlatSize;
        bool discrete = agent.ActionSpace is Discrete;
        var storage = ObservationStore.TypeFor(envs.SingleObservationSpace);
        Buffer = !options.Replay ? null
            : options.Prioritized ? new PrioritizedReplayBuffer(options.BufferSize, obsSize, actSize, discrete, options.PerAlpha, options.PerEps, n, storage)
            : new ReplayBuffer(options.BufferSize, obsSize, actSize, discrete, n, storage);
        _batch = new ReplayBatch(options.Replay ? options.BatchSize : n, obsSize, actSize);
        _tdErrors = new float[_batch.Size];
        _actions = new float[n * actSize];
        _discreteActions = new int[n];
        _previous = new float[n * obsSize];
    }

    /// <summary>Counters so far (updated as the loop runs); set it before the first run to resume.</summary>
    public RunState State
    {
        get => _book.State;
        set
        {
            if (_actionRng is not null) throw new InvalidOperationException("The run has started; its counters can no longer be replaced.");
            _book.State = value;
        }
    }

    /// <summary>The replay buffer (null without replay).</summary>
    public ReplayBuffer? Buffer { get; }

    /// <summary>Runs until <paramref name="targetStep"/> environment steps, until an evaluation reaches <c>stop_at_return</c> or until <paramref name="cancellation"/> is signalled; returns the state.</summary>
    public RunState Run(long targetStep, IMetricsSink? sink = null, CancellationToken cancellation = default)
    {
        var o = _options;
        int n = _envs.NumEnvs, obsSize = _envs.ObservationSize, actSize = _batch.ActionSize;
        bool discrete = _agent.ActionSpace is Discrete;
        var batch = _batch;
        var actions = _actions;
        var metrics = _book.Metrics;
        _book.Sink = sink ?? NullMetricsSink.Instance;
        _book.TargetStep = targetStep;
        _book.StartClock();

        long step = State.Step;
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : at => Evaluate(at, cancellation);
        if (_actionRng is null)
        {
            // Generators derive from the seed and the resume point, so a resumed run is itself reproducible.
            ulong stream = (ulong)_seed ^ ((ulong)step << 20);
            _actionRng = new Rng(Rng.DeriveSeed(stream, 11));
            _replayRng = new Rng(Rng.DeriveSeed(stream, 12));
            _updateRng = new Rng(Rng.DeriveSeed(stream, 13));
            _envs.Reset(_seed + (int)(step % 1_000_000));
        }
        _book.RunPendingEvaluation(evaluate);
        while (step < targetStep && !cancellation.IsCancellationRequested && !_book.ReachedStopReturn)
        {
            double progress = (double)step / targetStep;
            var obs = _envs.Observations;
            obs.CopyTo(_previous);
            if (o.Replay && step < o.LearningStarts)
                for (int i = 0; i < n; i++) _envs.SingleActionSpace.Sample(_actionRng, actions.AsSpan(i * actSize, actSize));
            else
                _agent.Act(obs, n, actions, progress, _actionRng);

            if (discrete)
            {
                for (int i = 0; i < n; i++) _discreteActions[i] = (int)actions[i];
                _envs.Step(_discreteActions);
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
                var prev = _previous.AsSpan(i * obsSize, obsSize);
                if (Buffer is not null)
                {
                    if (discrete) Buffer.Add(prev, _discreteActions[i], rewards[i], next, terminated[i], truncated[i], i);
                    else Buffer.Add(prev, actions.AsSpan(i * actSize, actSize), rewards[i], next, terminated[i], truncated[i], i);
                }
                else
                {
                    batch.Set(i, prev, actions.AsSpan(i * actSize, actSize), discrete ? _discreteActions[i] : 0, rewards[i], terminated[i] ? 0f : (float)o.Gamma, next);
                }
                if (ended[i])
                {
                    _book.Episode(step + i + 1, _envs.FinalReturns[i], _envs.FinalLengths[i]);
                    _agent.OnEpisodeEnd(i);
                }
            }
            long before = step;
            step += n;
            _vectorSteps++;
            _agent.OnEnvironmentSteps(step, before);

            if (!o.Replay)
            {
                batch.Weighted = false;
                Train(progress, step);
            }
            else if (step > o.LearningStarts && _vectorSteps % o.TrainFrequency == 0 && Buffer!.Count >= _refillUntil)
            {
                int gradientSteps = o.GradientSteps == -1 ? o.TrainFrequency * n : o.GradientSteps;
                double beta = o.PerBeta + (1.0 - o.PerBeta) * progress;
                for (int k = 0; k < gradientSteps; k++)
                {
                    if (Buffer is PrioritizedReplayBuffer per)
                    {
                        per.Sample(_replayRng!, batch, o.Gamma, o.NSteps, beta);
                        Train(progress, step);
                        per.UpdatePriorities(batch.Indices, _tdErrors);
                    }
                    else
                    {
                        Buffer!.Sample(_replayRng!, batch, o.Gamma, o.NSteps);
                        Train(progress, step);
                    }
                }
            }

            _agent.RecordExploration(progress, metrics);
            _book.Advance(before, step, evaluate);
        }
        return State;

        void Train(double progress, long atStep)
        {
            _agent.Train(batch, _tdErrors, new UpdateContext(progress, _updateRng!, metrics));
            _book.Update(atStep);
        }
    }

    /// <summary>
    /// Writes everything the loop carries from one step to the next: its generators, counters and bookkeeping,
    /// the environments in mid-episode, the agent's counters and noise, and (when <paramref name="includeReplay"/>)
    /// the replay memory. Throws <see cref="NotSupportedException"/> when an environment cannot save its state.
    /// </summary>
    public void WriteState(BinaryWriter writer, bool includeReplay)
    {
        if (_envs is not IResumable envs) throw new NotSupportedException($"The training environments ({_envs.GetType().Name}) do not save their state.");
        writer.Tag("off-policy");
        writer.Write(_actionRng is not null);
        if (_actionRng is not null)
        {
            writer.Write(_actionRng);
            writer.Write(_replayRng!);
            writer.Write(_updateRng!);
            envs.WriteState(writer);
        }
        writer.Write(_vectorSteps);
        writer.Write(_refillUntil);
        _book.WriteState(writer);
        _agent.WriteState(writer);
        writer.Write(includeReplay && Buffer is not null);
        if (includeReplay && Buffer is not null) Buffer.WriteState(writer);
    }

    /// <summary>
    /// Restores a state written by <see cref="WriteState"/> (before the first run); returns false when it held no
    /// replay memory, which then fills again for <c>learning_starts</c> transitions before training resumes.
    /// </summary>
    public bool ReadState(BinaryReader reader)
    {
        if (_actionRng is not null) throw new InvalidOperationException("The run has started; its state can no longer be replaced.");
        if (_envs is not IResumable envs) throw new NotSupportedException($"The training environments ({_envs.GetType().Name}) do not restore a state.");
        reader.ExpectTag("off-policy");
        Rng? action = null, replay = null, update = null;
        if (reader.ReadBoolean())
        {
            (action, replay, update) = (new Rng(1UL), new Rng(1UL), new Rng(1UL));
            reader.ReadInto(action);
            reader.ReadInto(replay);
            reader.ReadInto(update);
            envs.ReadState(reader);
        }
        _vectorSteps = reader.ReadInt64();
        _refillUntil = reader.ReadInt32();
        _book.ReadState(reader);
        _agent.ReadState(reader);
        bool replayStored = reader.ReadBoolean();
        if (replayStored)
        {
            if (Buffer is null) throw new InvalidDataException("a replay memory for a run without replay");
            Buffer.ReadState(reader);
        }
        else if (Buffer is not null)
        {
            _refillUntil = Math.Min(Math.Max(_options.LearningStarts, _options.BatchSize), Buffer.Capacity);
        }
        (_actionRng, _replayRng, _updateRng) = (action, replay, update);
        return replayStored || Buffer is null;
    }

    /// <summary>Counts an evaluation made outside the loop (a final one) toward the best so far.</summary>
    internal void RecordBest(double meanReturn)
    {
        if (meanReturn > _book.State.BestEvaluation) _book.State = _book.State with { BestEvaluation = meanReturn };
    }

    /// <summary>Evaluates the agent's greedy policy on the evaluation environment (seeds <see cref="Evaluation.SeedFor"/> + k).</summary>
    public EvaluationRecord Evaluate(long step, CancellationToken cancellation = default)
    {
        if (_evalEnv is null) throw new InvalidOperationException("No evaluation environment was given.");
        return Evaluation.Run(_evalEnv, _agent.Greedy, _options.EvalEpisodes, Evaluation.SeedFor(_seed), step, cancellation);
    }
}
