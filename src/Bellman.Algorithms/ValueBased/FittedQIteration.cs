using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.State;

namespace Bellman.Algorithms.ValueBased;

/// <summary>
/// The lecture's full fitted Q-iteration algorithm, in rounds:
/// <list type="number">
/// <item>collect dataset {(s_i, a_i, s'_i, r_i)} using some policy (N transitions, ε-greedy in the current Q);</item>
/// <item>set y_i ← r(s_i, a_i) + γ max_a' Q_φ(s'_i, a'_i) (from a frozen copy of φ, K times per round);</item>
/// <item>set φ ← argmin_φ ½ Σ_i ‖Q_φ(s_i, a_i) − y_i‖² (S minibatch gradient steps per target set).</item>
/// </list>
/// Targets use the true final observation at a time-limit truncation and no bootstrap at termination.
/// The regression step is DQN's (<see cref="DqnAgent.Train"/>) with the frozen copy as its target network.
/// A checkpoint holds the dataset, the generators, the environment in mid-episode and the place in the round
/// (a stop falls between two of the K target sets), so that a resumed run is the uninterrupted one bit for bit.
/// </summary>
public sealed class FittedQIteration : Algorithm
{
    /// <summary>The catalogue name.</summary>
    public const string AlgorithmName = "fqi";

    private readonly IEnvironment _env;
    private readonly IEnvironment? _evalEnv;
    private readonly RunBookkeeping _book;
    private readonly ReplayBuffer _data;
    private readonly ReplayBatch _batch;
    private readonly float[] _td, _previous, _action = new float[1];
    private Rng? _collectRng, _replayRng, _updateRng;
    private ReadOnlySpan<float> Observation => _env.Observation;
    private double _episodeReturn;
    private int _episodeLength;
    private int _iteration = -1; // the next of the round's K target sets; −1 before the round's collection
    private long _roundStart;

    /// <summary>The built-in presets.</summary>
    public static IReadOnlyList<Preset<FqiOptions>> Presets { get; } =
    [
        new("fqi-CartPole-v1", "CartPole-v1", "fitted Q-iteration on CartPole: 5 rounds of 10k transitions, K = 20, S = 100", new FqiOptions()),
    ];

    /// <summary>Fitted Q-iteration on <paramref name="environment"/> (one environment collects; a second evaluates).</summary>
    public FittedQIteration(EnvironmentSource environment, FqiOptions? options = null, int seed = 0)
        : base(AlgorithmName, environment, options ?? new FqiOptions(), seed)
    {
        var o = FqiOptions = (FqiOptions)Options;
        var probe = environment.Probe;
        Agent = new DqnAgent(probe.ObservationSpace, probe.ActionSpace, o.ToDqnOptions(), new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _env = environment.TrainingFactories(1)[0]();
        _evalEnv = environment.MakeEvaluationEnvironment();
        _book = new RunBookkeeping(new UpdateMetrics(Agent.Metrics), new RunState(), o.DatasetSize, o.EvalEpisodes, o.DatasetSize);
        int obsSize = probe.ObservationSpace.FlatSize;
        long capacity = o.KeepData ? Math.Min(o.TotalSteps, int.MaxValue / 2) : o.DatasetSize;
        _data = new ReplayBuffer((int)Math.Max(capacity, o.BatchSize), obsSize, 1, discreteActions: true);
        _batch = new ReplayBatch(o.BatchSize, obsSize, 1);
        _td = new float[o.BatchSize];
        _previous = new float[obsSize];
    }

    /// <summary>The options.</summary>
    public FqiOptions FqiOptions { get; }

    /// <summary>The agent (Q network, frozen copy, optimizer).</summary>
    public override DqnAgent Agent { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Agent.Metrics;

    /// <inheritdoc/>
    public override RunState State
    {
        get => _book.State;
        protected set
        {
            if (_collectRng is not null) throw new InvalidOperationException("The run has started; its counters can no longer be replaced.");
            _book.State = value;
        }
    }

    /// <inheritdoc/>
    public override bool CanEvaluate => _evalEnv is not null;

    /// <inheritdoc/>
    protected override RunState RunCore(long targetStep, IMetricsSink sink, CancellationToken cancellation)
    {
        var o = FqiOptions;
        var metrics = _book.Metrics;
        _book.Sink = sink;
        _book.TargetStep = targetStep;
        _book.StartClock();
        long step = State.Step;
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : at => Evaluation.Run(_evalEnv, Agent.Greedy, o.EvalEpisodes, Evaluation.SeedFor(Seed), at, cancellation);
        _book.RunPendingEvaluation(evaluate);
        if (_collectRng is null)
        {
            ulong stream = (ulong)Seed ^ ((ulong)step << 20);
            _collectRng = new Rng(Rng.DeriveSeed(stream, 11));
            _replayRng = new Rng(Rng.DeriveSeed(stream, 12));
            _updateRng = new Rng(Rng.DeriveSeed(stream, 13));
            _env.Reset(Seed + (int)(step % 1_000_000));
        }
        while ((step < targetStep || _iteration >= 0) && !cancellation.IsCancellationRequested)
        {
            if (_iteration < 0)
            {
                // 1. collect N transitions with the current ε-greedy policy.
                long roundEnd = Math.Min(targetStep, step + o.DatasetSize);
                _roundStart = step;
                while (step < roundEnd)
                {
                    Observation.CopyTo(_previous);
                    Agent.Act(_previous, 1, _action, progress: 0, _collectRng);
                    int a = (int)_action[0];
                    var r = _env.Step(a);
                    _data.Add(_previous, a, r.Reward, _env.Observation, r.Terminated, r.Truncated);
                    step++;
                    _episodeReturn += r.Reward;
                    _episodeLength++;
                    if (r.Terminated || r.Truncated)
                    {
                        _book.Episode(step, _episodeReturn, _episodeLength);
                        _episodeReturn = 0;
                        _episodeLength = 0;
                        _env.Reset();
                    }
                }
                // The counters cover the collection: a checkpoint taken before the round's end keeps these episodes' rows.
                _book.State = _book.State with { Step = step };
                _iteration = 0;
            }
            // 2–3. K times: freeze φ' ← φ, then S gradient steps toward y = r + γ max Q_φ'(s', ·). A stop falls between
            // two target sets, and the round goes on from the next one when the run continues.
            for (; _iteration < o.Iterations && !cancellation.IsCancellationRequested; _iteration++)
            {
                Agent.Target.CopyFrom(Agent.Q);
                for (int sIndex = 0; sIndex < o.GradientSteps; sIndex++)
                {
                    _data.Sample(_replayRng!, _batch, o.Gamma);
                    Agent.Train(_batch, _td, new UpdateContext((double)step / targetStep, _updateRng!, metrics));
                    _book.Update(step);
                }
            }
            if (_iteration < o.Iterations) break;
            _iteration = -1;
            Agent.RecordExploration(0, metrics);
            // A round always ends on an evaluation (the last one may be shorter than dataset_size).
            _book.Advance(step == targetStep && step % o.DatasetSize != 0 ? step - o.DatasetSize : _roundStart, step, evaluate);
        }
        return State;
    }

    /// <summary>
    /// Writes what fitted Q-iteration carries between steps: its generators, the collecting environment in
    /// mid-episode, the episode under way, where the current round is (collected, and how many of its K target
    /// sets are done), the bookkeeping and (with <paramref name="includeReplay"/>) the dataset.
    /// </summary>
    protected override void WriteTrainingState(BinaryWriter writer, bool includeReplay)
    {
        if (_env is not IResumable env) throw new NotSupportedException($"{_env.Name} ({_env.GetType().Name}) does not save its mid-episode state.");
        writer.Tag("fqi");
        writer.Write(_collectRng is not null);
        if (_collectRng is not null)
        {
            writer.Write(_collectRng);
            writer.Write(_replayRng!);
            writer.Write(_updateRng!);
            env.WriteState(writer);
        }
        writer.Write(_episodeReturn);
        writer.Write(_episodeLength);
        writer.Write(_iteration);
        writer.Write(_roundStart);
        _book.WriteState(writer);
        ((IOffPolicyAgent)Agent).WriteState(writer);
        writer.Write(includeReplay);
        if (includeReplay) _data.WriteState(writer);
    }

    /// <inheritdoc/>
    protected override bool ReadTrainingState(BinaryReader reader)
    {
        if (_collectRng is not null) throw new InvalidOperationException("The run has started; its state can no longer be replaced.");
        if (_env is not IResumable env) throw new NotSupportedException($"{_env.Name} ({_env.GetType().Name}) does not restore a mid-episode state.");
        reader.ExpectTag("fqi");
        Rng? collect = null, replay = null, update = null;
        if (reader.ReadBoolean())
        {
            (collect, replay, update) = (new Rng(1UL), new Rng(1UL), new Rng(1UL));
            reader.ReadInto(collect);
            reader.ReadInto(replay);
            reader.ReadInto(update);
            env.ReadState(reader);
        }
        double episodeReturn = reader.ReadDouble();
        int episodeLength = reader.ReadInt32();
        int iteration = reader.ReadInt32();
        long roundStart = reader.ReadInt64();
        if (episodeLength < 0 || iteration < -1 || iteration > FqiOptions.Iterations || roundStart < 0)
            throw new InvalidDataException($"counters out of range (episode length {episodeLength}, target set {iteration} of {FqiOptions.Iterations}, round start {roundStart})");
        _book.ReadState(reader);
        ((IOffPolicyAgent)Agent).ReadState(reader);
        bool data = reader.ReadBoolean();
        if (data) _data.ReadState(reader);
        // Without its dataset a round cannot go on: the next one collects afresh.
        (_episodeReturn, _episodeLength, _iteration, _roundStart) = (episodeReturn, episodeLength, data ? iteration : -1, roundStart);
        (_collectRng, _replayRng, _updateRng) = (collect, replay, update);
        return data;
    }

    /// <inheritdoc/>
    public override EvaluationRecord Evaluate(CancellationToken cancellation = default) => _evalEnv is null
        ? throw new InvalidOperationException("No evaluation environment: a single environment instance was given; pass a factory to evaluate.")
        : Evaluation.Run(_evalEnv, Agent.Greedy, FqiOptions.EvalEpisodes, Evaluation.SeedFor(Seed), State.Step, cancellation);
}
