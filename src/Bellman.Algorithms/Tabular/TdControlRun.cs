using Bellman.Algorithms.Training;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.State;
using Bellman.Nn;

namespace Bellman.Algorithms.Tabular;

/// <summary>How a <see cref="TdControlRun"/> reports: its intervals count episodes, as its budget does.</summary>
public sealed record TdControlReporting
{
    /// <summary>Episodes between greedy evaluations (0: none during training).</summary>
    public int EvalFrequency { get; init; }

    /// <summary>Episodes of each evaluation.</summary>
    public int EvalEpisodes { get; init; } = 1_000;

    /// <summary>Episodes between snapshots.</summary>
    public int LogInterval { get; init; } = 100;

    /// <summary>Evaluation episode k resets with this seed + k (<see cref="Evaluation.SeedFor"/> of the run's seed).</summary>
    public int EvalSeed { get; init; } = Evaluation.SeedFor(0);

    /// <summary>Throws when a value is out of range; the message names it.</summary>
    public void Validate()
    {
        if (EvalFrequency < 0) throw new ArgumentOutOfRangeException(nameof(EvalFrequency), EvalFrequency, "EvalFrequency must be non-negative.");
        if (EvalEpisodes <= 0) throw new ArgumentOutOfRangeException(nameof(EvalEpisodes), EvalEpisodes, "EvalEpisodes must be positive.");
        if (LogInterval <= 0) throw new ArgumentOutOfRangeException(nameof(LogInterval), LogInterval, "LogInterval must be positive.");
        if (EvalSeed < 0) throw new ArgumentOutOfRangeException(nameof(EvalSeed), EvalSeed, "EvalSeed must be non-negative.");
    }
}

/// <summary>
/// Online tabular TD control (<see cref="TdControl"/>) as a run that can stop at any step and continue exactly:
/// it reports episodes, snapshots and greedy evaluations to an <see cref="IMetricsSink"/> through the bookkeeping
/// every training loop shares, and writes a checkpoint like every other algorithm's (sidecar, safetensors, state).
/// The safetensors file holds the Q-table as float32 [|S|, |A|] (for PyTorch and a reader's eye) and the greedy
/// policy argmax_a Q(s,a) of the exact table [|S|] (what <c>bellman eval</c> runs); the state file holds the
/// exact float64 table, the generator, the environment in mid-episode with its own generator, the episode under
/// way (state, action, steps, return) and the counters, so that a resumed run repeats the uninterrupted one bit for bit.
/// </summary>
public sealed class TdControlRun
{
    private readonly DiscreteEnvironment _env;
    private readonly IEnvironment? _evalEnv;
    private readonly TdControlOptions _options;
    private readonly TdControlReporting _reporting;
    private readonly Rng _rng;
    private readonly RunBookkeeping _book;
    private readonly double[] _q, _policy;
    private readonly List<double> _returns = [];
    private readonly List<int> _lengths = [];
    private int? _seed;
    private bool _inEpisode;
    private int _state, _action, _steps, _episode;
    private double _episodeReturn;
    private long _step;

    /// <summary>
    /// Prepares a run on <paramref name="environment"/> (Discrete observations and actions); all randomness of
    /// training comes from <paramref name="rng"/> (its first draw seeds the environment's first reset).
    /// Evaluations run on <paramref name="evaluationEnvironment"/> when one is given.
    /// </summary>
    public TdControlRun(IEnvironment environment, TdControlOptions options, Rng rng, IEnvironment? evaluationEnvironment = null, TdControlReporting? reporting = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        reporting ??= new TdControlReporting();
        reporting.Validate();
        _env = new DiscreteEnvironment(environment);
        if (evaluationEnvironment is not null)
        {
            var check = new DiscreteEnvironment(evaluationEnvironment);
            if (check.StateCount != _env.StateCount || check.ActionCount != _env.ActionCount)
                throw new ArgumentException($"The evaluation environment has {check.StateCount} states and {check.ActionCount} actions; the training one {_env.StateCount} and {_env.ActionCount}.", nameof(evaluationEnvironment));
        }
        _evalEnv = evaluationEnvironment;
        _options = options;
        _reporting = reporting;
        _rng = rng;
        Metrics = MetricsOf(options);
        _book = new RunBookkeeping(new UpdateMetrics(Metrics), new RunState(), reporting.EvalFrequency, reporting.EvalEpisodes, reporting.LogInterval);
        _q = new double[_env.StateCount * _env.ActionCount];
        Array.Fill(_q, options.InitialQ);
        _policy = new double[_env.ActionCount];
        _seed = rng.NextInt(int.MaxValue);
    }

    /// <summary>The metrics a run of <paramref name="options"/> records: the learning rate and ε or the temperature.</summary>
    public static IReadOnlyList<MetricDefinition> MetricsOf(TdControlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exploration = options.Exploration is Boltzmann
            ? new MetricDefinition("temperature", "tau", MetricAggregation.Last)
            : new MetricDefinition("exploration_rate", "eps", MetricAggregation.Last);
        return [new MetricDefinition("learning_rate", "alpha", MetricAggregation.Last), exploration];
    }

    /// <summary>The keyed values the run records (columns of metrics.csv).</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>The options.</summary>
    public TdControlOptions Options => _options;

    /// <summary>The counters (steps, episodes, updates = steps, best evaluation).</summary>
    public RunState State => _book.State;

    /// <summary>Environment steps so far.</summary>
    public long Step => _step;

    /// <summary>Episodes finished.</summary>
    public int Episode => _episode;

    /// <summary>Whether the episode budget is spent.</summary>
    public bool Finished => _episode >= _options.Episodes;

    /// <summary>|S|.</summary>
    public int StateCount => _env.StateCount;

    /// <summary>|A|.</summary>
    public int ActionCount => _env.ActionCount;

    /// <summary>The current Q(s,a), row-major [s*|A| + a].</summary>
    public ReadOnlySpan<double> Q => _q;

    /// <summary>The mean return of the last <see cref="TrainingSnapshot.ReturnWindow"/> training episodes (NaN before the first).</summary>
    public double RecentMeanReturn => _book.RecentMeanReturn;

    /// <summary>How many episodes <see cref="RecentMeanReturn"/> averages.</summary>
    public int RecentCount => _book.RecentCount;

    /// <summary>The latest evaluation (null before the first of this session).</summary>
    public RolloutSummary? LastEvaluation { get; private set; }

    /// <summary>The step of <see cref="LastEvaluation"/>.</summary>
    public long LastEvaluationStep { get; private set; } = -1;

    /// <summary>
    /// Trains until the episode budget is spent, <paramref name="cancellation"/> is signalled or
    /// <paramref name="stopAtStep"/> environment steps are reached (possibly in mid-episode); call again to continue.
    /// </summary>
    public RunState Run(IMetricsSink? sink = null, CancellationToken cancellation = default, long stopAtStep = long.MaxValue)
    {
        _book.Sink = sink ?? NullMetricsSink.Instance;
        _book.TargetStep = 0;
        _book.StartClock();
        Func<long, EvaluationRecord>? evaluate = _evalEnv is null ? null : Evaluate;
        _book.RunPendingEvaluation(evaluate);
        int actions = _env.ActionCount;
        var explore = _options.Exploration;
        double gamma = _options.Gamma;
        var q = _q;
        while (_episode < _options.Episodes && _step < stopAtStep && !cancellation.IsCancellationRequested)
        {
            double progress = (double)_episode / _options.Episodes;
            double alpha = _options.AlphaAt(progress);
            if (!_inEpisode)
            {
                _state = _env.Reset(_seed);
                _seed = null;
                _action = explore.Select(Row(q, _state, actions), progress, _rng);
                _episodeReturn = 0;
                _steps = 0;
                _inEpisode = true;
            }
            int s = _state, a = _action;
            var step = _env.Step(a);
            int next = _env.Current;
            _steps++;
            _step++;
            _episodeReturn += step.Reward;
            bool truncated = !step.Terminated && (step.Truncated || _steps == _options.MaxEpisodeSteps);
            var nextQ = Row(q, next, actions);
            int nextAction = -1;
            double target;
            switch (_options.Method)
            {
                case TdControlMethod.Sarsa:
                    if (!step.Terminated) nextAction = explore.Select(nextQ, progress, _rng);
                    target = TdTargets.Sarsa(step.Reward, step.Terminated ? 0 : nextQ[nextAction], step.Terminated, gamma);
                    break;
                case TdControlMethod.ExpectedSarsa:
                    explore.Probabilities(nextQ, progress, _policy);
                    target = TdTargets.ExpectedSarsa(step.Reward, nextQ, _policy, step.Terminated, gamma);
                    break;
                default:
                    target = TdTargets.QLearning(step.Reward, nextQ, step.Terminated, gamma);
                    break;
            }
            int sa = s * actions + a;
            q[sa] = TdTargets.Step(q[sa], target, alpha);
            if (step.Terminated || truncated)
            {
                _inEpisode = false;
                EndEpisode(progress, alpha, evaluate);
                continue;
            }
            _state = next;
            _action = nextAction >= 0 ? nextAction : explore.Select(Row(q, next, actions), progress, _rng);
        }
        _book.State = _book.State with { Step = _step, Updates = _step };
        return State;
    }

    private void EndEpisode(double progress, double alpha, Func<long, EvaluationRecord>? evaluate)
    {
        _returns.Add(_episodeReturn);
        _lengths.Add(_steps);
        _episode++;
        _book.Episode(_step, _episodeReturn, _steps);
        _book.State = _book.State with { Updates = _step };
        var metrics = _book.Metrics;
        metrics.Set("learning_rate", alpha);
        switch (_options.Exploration)
        {
            case EpsilonGreedy e:
                metrics.Set("exploration_rate", e.EpsilonAt(progress));
                break;
            case Boltzmann b:
                metrics.Set("temperature", b.Temperature.ValueAt(progress));
                break;
        }
        _book.Advance(_step, _episode - 1, _episode, last: _episode == _options.Episodes, evaluate);
    }

    /// <summary>argmax_a Q(s,a) of the current table, lowest index among exact ties.</summary>
    public int[] GreedyPolicy() => BellmanOperator.GreedyPolicy(_q, _env.ActionCount);

    /// <summary>Evaluates the greedy policy now (episode k reset with <see cref="TdControlReporting.EvalSeed"/> + k).</summary>
    public EvaluationRecord Evaluate() => Evaluate(_step);

    private EvaluationRecord Evaluate(long at)
    {
        if (_evalEnv is null) throw new InvalidOperationException("No evaluation environment was given.");
        var summary = PolicyRollout.EvaluateSeeded(_evalEnv, GreedyPolicy(), _reporting.EvalEpisodes, _reporting.EvalSeed);
        LastEvaluation = summary;
        LastEvaluationStep = at;
        return new EvaluationRecord(at, summary.Mean, summary.Std, summary.Returns);
    }

    /// <summary>Counts an evaluation made outside the run (a final one) toward the best so far.</summary>
    public void RecordEvaluation(EvaluationRecord evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (evaluation.Returns.Count > 0 && evaluation.MeanReturn > _book.State.BestEvaluation)
            _book.State = _book.State with { BestEvaluation = evaluation.MeanReturn };
    }

    /// <summary>The outcome so far: the table, this session's episode returns and lengths, and the greedy policy.</summary>
    public TdControlResult Result() =>
        new((double[])_q.Clone(), _env.StateCount, _env.ActionCount, [.. _returns], [.. _lengths], GreedyPolicy());

    /// <summary>
    /// Writes everything the run carries from step to step besides its configuration: the exact table, the
    /// generator, the first reset's seed (until used), the environment with its generator and the episode under
    /// way, and the bookkeeping. Throws <see cref="NotSupportedException"/> when the environment cannot save its state.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        bool started = _seed is null;
        if (started && _env.Environment is not IResumable)
            throw new NotSupportedException($"{_env.Environment.Name} ({_env.Environment.GetType().Name}) does not save its mid-episode state.");
        writer.Tag("td-control");
        writer.WriteSpan(_q);
        writer.Write(_rng);
        writer.Write(_seed ?? -1);
        writer.Write(_step);
        writer.Write(_episode);
        writer.Write(_inEpisode);
        writer.Write(_state);
        writer.Write(_action);
        writer.Write(_steps);
        writer.Write(_episodeReturn);
        if (started) ((IResumable)_env.Environment).WriteState(writer);
        _book.WriteState(writer);
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> into a run built with the same configuration.</summary>
    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        reader.ExpectTag("td-control");
        var q = new double[_q.Length];
        reader.ReadInto(q);
        var rng = new Rng(1UL);
        reader.ReadInto(rng);
        int seed = reader.ReadInt32();
        long step = reader.ReadInt64();
        int episode = reader.ReadInt32();
        bool inEpisode = reader.ReadBoolean();
        int state = reader.ReadInt32(), action = reader.ReadInt32(), steps = reader.ReadInt32();
        double episodeReturn = reader.ReadDouble();
        if (step < 0 || episode < 0 || episode > _options.Episodes || steps < 0)
            throw new InvalidDataException($"counters out of range (step {step}, episode {episode} of {_options.Episodes}, {steps} steps in the episode)");
        if (inEpisode && (state < 0 || state >= _env.StateCount || action < 0 || action >= _env.ActionCount))
            throw new InvalidDataException($"the episode under way is at state {state}, action {action}, outside {_env.StateCount} states and {_env.ActionCount} actions");
        if (seed < -1) throw new InvalidDataException($"a first-reset seed of {seed}");
        if (seed == -1)
        {
            if (_env.Environment is not IResumable env) throw new NotSupportedException($"{_env.Environment.Name} does not restore a mid-episode state.");
            env.ReadState(reader);
        }
        _book.ReadState(reader);
        q.CopyTo(_q, 0);
        _rng.SetState(rng.GetState());
        _seed = seed == -1 ? null : seed;
        (_step, _episode, _inEpisode, _state, _action, _steps, _episodeReturn) = (step, episode, inEpisode, state, action, steps, episodeReturn);
        _returns.Clear();
        _lengths.Clear();
    }

    /// <summary>
    /// Writes a checkpoint at <paramref name="path"/> (path.json, path.safetensors and, with
    /// <paramref name="trainingState"/>, path.state), each to a temporary name then renamed.
    /// </summary>
    public void Save(string path, CheckpointMetadata metadata, bool trainingState = true)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string? note = null;
        byte[]? state = trainingState ? Algorithm.EncodeState(metadata.Algo, metadata.Step, WriteState, out note) : null;
        var (table, greedy) = Tensors(_env.StateCount, _env.ActionCount);
        for (int i = 0; i < _q.Length; i++) table.Data[i] = (float)_q[i];
        var policy = GreedyPolicy();
        for (int s = 0; s < policy.Length; s++) greedy.Data[s] = policy[s];
        AgentCheckpoint.Save(path, [(TensorsName, new ParameterSet(table, greedy))], [], metadata, state, note);
    }

    /// <summary>
    /// Continues the run saved at <paramref name="path"/> by <paramref name="algorithm"/> (a checkpoint of another
    /// algorithm is an error naming it). Returns null when the run continues exactly, else why only approximately
    /// (no training state: the table is the float32 one, the generator and environment start afresh).
    /// </summary>
    public string? Restore(string path, string algorithm)
    {
        var meta = Algorithm.ReadMetadata(path);
        string sidecar = AgentCheckpoint.PathsFor(path).Sidecar;
        if (meta.Algo != algorithm) throw new InvalidDataException($"{sidecar} holds a {meta.Algo} run, not {algorithm}.");
        if (meta.Episodes > _options.Episodes)
            throw new InvalidDataException($"{sidecar} has {meta.Episodes} episodes, more than the run's budget of {_options.Episodes}.");
        byte[]? bytes = AgentCheckpoint.ReadTrainingState(path, out string? note);
        var (table, greedy) = Tensors(_env.StateCount, _env.ActionCount);
        AgentCheckpoint.Load(path, [(TensorsName, new ParameterSet(table, greedy))], []);
        if (bytes is null)
        {
            for (int i = 0; i < _q.Length; i++) _q[i] = table.Data[i];
            _book.State = meta.ToState();
            _step = meta.Step;
            _episode = (int)meta.Episodes;
            _inEpisode = false;
            return (note ?? "the checkpoint has no training state") + "; the table is its float32 copy and the generator and environment start afresh";
        }
        string file = AgentCheckpoint.StatePathFor(path);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
            if (reader.ReadString() != Algorithm.StateMagic) throw new InvalidDataException("it is not a Bellman training state");
            int version = reader.ReadInt32();
            if (version != Algorithm.StateVersion) throw new InvalidDataException($"its version is {version}, this version of Bellman reads {Algorithm.StateVersion}");
            string algo = reader.ReadString();
            long at = reader.ReadInt64();
            if (algo != meta.Algo || at != meta.Step) throw new InvalidDataException($"it holds the state of {algo} at step {at}, but the checkpoint is {meta.Algo} at step {meta.Step}");
            ReadState(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException($"{reader.BaseStream.Length - reader.BaseStream.Position} bytes are left over");
            if (_step != meta.Step) throw new InvalidDataException($"it is at step {_step}, the checkpoint at {meta.Step}");
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"'{file}' is truncated or corrupt ({e.Message.TrimEnd('.')}); delete it to resume approximately from the table alone.", e);
        }
        return null;
    }

    /// <summary>
    /// The greedy policy saved in the tabular checkpoint at <paramref name="path"/> (with its metadata), for
    /// evaluation: argmax_a Q(s,a) of the exact table when it was saved.
    /// </summary>
    public static int[] ReadGreedyPolicy(string path, out CheckpointMetadata metadata)
    {
        metadata = Algorithm.ReadMetadata(path);
        string sidecar = AgentCheckpoint.PathsFor(path).Sidecar;
        if (metadata.ObservationSpace is not { Type: "discrete", N: int states } || metadata.ActionSpace is not { Type: "discrete", N: int actions } || states <= 0 || actions <= 0)
            throw new InvalidDataException($"{sidecar}: a tabular checkpoint needs discrete observation and action spaces with their sizes.");
        var (table, greedy) = Tensors(states, actions);
        AgentCheckpoint.Load(path, [(TensorsName, new ParameterSet(table, greedy))], []);
        var policy = new int[states];
        for (int s = 0; s < states; s++)
        {
            float a = greedy.Data[s];
            if (!(a >= 0 && a < actions) || a != MathF.Floor(a))
                throw new InvalidDataException($"{AgentCheckpoint.PathsFor(path).Tensors}: the greedy action of state {s} is {a}, not one of 0..{actions - 1}.");
            policy[s] = (int)a;
        }
        return policy;
    }

    /// <summary>The name of the checkpoint's tensors (q.table and q.greedy).</summary>
    public const string TensorsName = "q";

    private static (Parameter Table, Parameter Greedy) Tensors(int states, int actions) => (new Parameter("table", states, actions), new Parameter("greedy", states));

    private static ReadOnlySpan<double> Row(double[] q, int state, int actions) => q.AsSpan(state * actions, actions);
}
