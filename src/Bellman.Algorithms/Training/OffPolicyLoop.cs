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
/// <para>
/// With <c>overlap_collection</c> a second instance of the agent (the collector) acts. When a training phase is
/// due, the collector takes a copy of the learner's acting networks, then the phase runs on a second thread while
/// this one collects the next chunk — up to the step at which the next phase is due — into a staging area. At the
/// join the chunk enters the replay memory and the bookkeeping (episodes, target-network steps, exploration
/// figures, then one log/evaluation check for the whole chunk) in the order of the sequential loop. So every chunk
/// after the first phase is collected one phase behind, every phase samples exactly the memory the sequential loop
/// would give it, and the bits do not depend on the threads' timing (with one processor the two parts run one
/// after the other, with the same result). A phase due at the end of a run is left pending and runs first in the
/// next one (a checkpoint records it, with the collector's networks).
/// </para>
/// </summary>
public sealed class OffPolicyLoop : IDisposable
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
    private readonly IOffPolicyAgent? _collector;
    private readonly StagedChunk? _staged;
    private BackgroundPhase? _phase;
    private Rng? _actionRng, _replayRng, _updateRng;
    private long _vectorSteps;
    private int _refillUntil;
    private bool _trainingPending, _collectorSynced, _snapshotTaken;

    /// <summary>
    /// Creates the loop; all randomness derives from <paramref name="seed"/>. With <c>overlap_collection</c>,
    /// <paramref name="collector"/> is a second instance of the agent's kind that acts while the agent trains.
    /// </summary>
    public OffPolicyLoop(IVectorEnvironment envs, IEnvironment? evalEnv, IOffPolicyAgent agent, OffPolicyOptions options, int seed, IOffPolicyAgent? collector = null)
    {
        options.Validate();
        if (options.OverlapCollection != (collector is not null))
            throw new ArgumentException(options.OverlapCollection
                ? "overlap_collection is on: pass a collector, a second instance of the agent."
                : "A collector was given, but overlap_collection is off.", nameof(collector));
        if (collector is not null && (collector.GetType() != agent.GetType() || collector.ActingNetworks.Count() != agent.ActingNetworks.Count()))
            throw new ArgumentException($"The collector ({collector.GetType().Name}) must be an agent of the learner's kind ({agent.GetType().Name}).", nameof(collector));
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
        _collector = collector;
        if (collector is not null) _staged = new StagedChunk(n, obsSize, actSize);
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
        int n = _envs.NumEnvs;
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
        if (_collector is not null && !_collectorSynced) SyncCollector();
        var actor = _collector ?? _agent;
        _book.RunPendingEvaluation(evaluate);
        while (step < targetStep && !cancellation.IsCancellationRequested && !_book.ReachedStopReturn)
        {
            if (_trainingPending)
            {
                step = OverlappedPhase(step, targetStep, evaluate, cancellation);
                continue;
            }
            double progress = (double)step / targetStep;
            long before = step;
            step = CollectStep(actor, step, progress, staged: null);

            if (!o.Replay)
            {
                _batch.Weighted = false;
                Train(progress, step);
            }
            else if (TrainingDue(step, staged: 0))
            {
                // Overlapped, the phase runs beside the collection of the next chunk (OverlappedPhase).
                if (_collector is not null) _trainingPending = true;
                else TrainPhase(progress, step);
            }

            actor.RecordExploration(progress, metrics);
            _book.Advance(before, step, evaluate);
        }
        return State;
    }

    /// <summary>
    /// One vector step: act (uniformly at random during warm-up), step the environments, then store each transition
    /// (or stage it, with its episode end, when <paramref name="staged"/> is given) and report the step to the agents;
    /// returns the step count after it.
    /// </summary>
    private long CollectStep(IOffPolicyAgent actor, long step, double progress, StagedChunk? staged)
    {
        var o = _options;
        int n = _envs.NumEnvs, obsSize = _envs.ObservationSize, actSize = _batch.ActionSize;
        bool discrete = _agent.ActionSpace is Discrete;
        var actions = _actions;
        var obs = _envs.Observations;
        obs.CopyTo(_previous);
        if (o.Replay && step < o.LearningStarts)
            for (int i = 0; i < n; i++) _envs.SingleActionSpace.Sample(_actionRng!, actions.AsSpan(i * actSize, actSize));
        else
            actor.Act(obs, n, actions, progress, _actionRng!);

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
        staged?.BeginStep(step, progress);
        for (int i = 0; i < n; i++)
        {
            var next = ended[i] ? _envs.FinalObservations.Slice(i * obsSize, obsSize) : _envs.Observations.Slice(i * obsSize, obsSize);
            var prev = _previous.AsSpan(i * obsSize, obsSize);
            var action = actions.AsSpan(i * actSize, actSize);
            if (staged is not null)
            {
                staged.Add(prev, action, _discreteActions[i], rewards[i], next, terminated[i], truncated[i]);
            }
            else if (Buffer is not null)
            {
                if (discrete) Buffer.Add(prev, _discreteActions[i], rewards[i], next, terminated[i], truncated[i], i);
                else Buffer.Add(prev, action, rewards[i], next, terminated[i], truncated[i], i);
            }
            else
            {
                _batch.Set(i, prev, action, discrete ? _discreteActions[i] : 0, rewards[i], terminated[i] ? 0f : (float)o.Gamma, next);
            }
            if (ended[i])
            {
                if (staged is not null) staged.Episode(step + i + 1, _envs.FinalReturns[i], _envs.FinalLengths[i]);
                else _book.Episode(step + i + 1, _envs.FinalReturns[i], _envs.FinalLengths[i]);
                actor.OnEpisodeEnd(i);
            }
        }
        long before = step;
        step += n;
        _vectorSteps++;
        actor.OnEnvironmentSteps(step, before);
        // The learner's own count (target networks) waits for the join while a phase runs.
        if (staged is null && actor != _agent) _agent.OnEnvironmentSteps(step, before);
        return step;
    }

    /// <summary>Whether a training phase is due after the vector step that reached <paramref name="step"/> (with <paramref name="staged"/> transitions not yet stored).</summary>
    private bool TrainingDue(long step, int staged) =>
        step > _options.LearningStarts && _vectorSteps % _options.TrainFrequency == 0
        && Math.Min(Buffer!.Count + staged, Buffer.Capacity) >= _refillUntil;

    /// <summary>
    /// The pending training phase on the second thread, beside the collection of the next chunk with a copy of the
    /// acting networks taken now; then the join: the chunk is stored and booked as the sequential loop would have.
    /// </summary>
    private long OverlappedPhase(long step, long targetStep, Func<long, EvaluationRecord>? evaluate, CancellationToken cancellation)
    {
        int n = _envs.NumEnvs;
        var staged = _staged!;
        _trainingPending = false;
        // The phase sees what the sequential loop passes it: the progress at the start of the vector step that made it due.
        double trainProgress = (double)(step - n) / targetStep;
        long trainStep = step;
        _phase ??= new BackgroundPhase();
        staged.Clear();
        long chunkStart = step;
        bool due = false;
        // The learner's thread copies the acting networks (from its own cache) before its first gradient step; collection waits for the copy.
        Volatile.Write(ref _snapshotTaken, false);
        _phase.Start(() =>
        {
            SyncCollector();
            Volatile.Write(ref _snapshotTaken, true);
            TrainPhase(trainProgress, trainStep);
        });
        var spin = new SpinWait();
        while (!Volatile.Read(ref _snapshotTaken) && !_phase.Finished) spin.SpinOnce(sleep1Threshold: -1);
        try
        {
            while (step < targetStep && !cancellation.IsCancellationRequested)
            {
                step = CollectStep(_collector!, step, (double)step / targetStep, staged);
                if (TrainingDue(step, staged.Count)) { due = true; break; }
            }
        }
        finally
        {
            _phase.Wait();
        }

        bool discrete = _agent.ActionSpace is Discrete;
        var metrics = _book.Metrics;
        for (int k = 0; k < staged.Steps; k++)
        {
            var (at, progress) = staged.StepAt(k);
            staged.Store(k, Buffer!, discrete);
            foreach (var (episodeStep, episodeReturn, length) in staged.EpisodesOf(k)) _book.Episode(episodeStep, episodeReturn, length);
            _agent.OnEnvironmentSteps(at + n, at);
            _collector!.RecordExploration(progress, metrics);
        }
        _trainingPending = due;
        _book.Advance(chunkStart, step, evaluate);
        return step;
    }

    /// <summary>The collector takes the learner's acting networks.</summary>
    private void SyncCollector()
    {
        foreach (var (to, from) in _collector!.ActingNetworks.Zip(_agent.ActingNetworks)) to.CopyFrom(from);
        _collectorSynced = true;
    }

    /// <summary>A training phase: <c>gradient_steps</c> gradient steps on replay batches (priorities updated after each with PER).</summary>
    private void TrainPhase(double progress, long atStep)
    {
        var o = _options;
        int gradientSteps = o.GradientSteps == -1 ? o.TrainFrequency * _envs.NumEnvs : o.GradientSteps;
        double beta = o.PerBeta + (1.0 - o.PerBeta) * progress;
        for (int k = 0; k < gradientSteps; k++)
        {
            if (Buffer is PrioritizedReplayBuffer per)
            {
                per.Sample(_replayRng!, _batch, o.Gamma, o.NSteps, beta);
                Train(progress, atStep);
                per.UpdatePriorities(_batch.Indices, _tdErrors);
            }
            else
            {
                Buffer!.Sample(_replayRng!, _batch, o.Gamma, o.NSteps);
                Train(progress, atStep);
            }
        }
    }

    private void Train(double progress, long atStep)
    {
        _agent.Train(_batch, _tdErrors, new UpdateContext(progress, _updateRng!, _book.Metrics));
        _book.Update(atStep);
    }

    /// <summary>Stops the learner thread of <c>overlap_collection</c>.</summary>
    public void Dispose()
    {
        _phase?.Dispose();
        _phase = null;
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
        if (_collector is null) return;
        // overlap_collection: a phase left pending and the networks the collector acts with (one phase behind).
        writer.Tag("overlap");
        writer.Write(_trainingPending);
        foreach (var module in _collector.ActingNetworks)
            foreach (var parameter in module.Parameters()) writer.WriteSpan(parameter.Data);
        _collector.WriteState(writer);
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
        if (_collector is not null)
        {
            if (reader.BaseStream.Position == reader.BaseStream.Length)
                throw new InvalidDataException("the run has overlap_collection on, but the checkpoint was written without it (set overlap_collection = false to resume it)");
            reader.ExpectTag("overlap");
            _trainingPending = reader.ReadBoolean();
            foreach (var module in _collector.ActingNetworks)
                foreach (var parameter in module.Parameters()) reader.ReadInto(parameter.Data.AsSpan());
            _collector.ReadState(reader);
            _collectorSynced = true;
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
