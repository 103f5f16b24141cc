using System.Text.Json;
using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.Training;

/// <summary>
/// A trainable algorithm as a library user holds it, the counterpart of a Stable-Baselines3 model:
/// built from an environment (an id, a factory or an instance) and options; <see cref="Learn(long, IMetricsSink?, CancellationToken)"/>,
/// called again to continue; <see cref="Save(string)"/>; <see cref="Load"/>; <see cref="Predict(ReadOnlySpan{float})"/>.
/// Everything random derives from the seed. The CLI drives runs through the same object.
/// </summary>
public abstract class Algorithm : IDisposable
{
    private Rng? _predictRng;
    private float[] _action = [];

    /// <summary>Records the run's identity; derived classes build the agent and the loop.</summary>
    protected Algorithm(string name, EnvironmentSource environment, ITrainingOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        Environment = environment;
        Options = options;
        Seed = seed;
    }

    /// <summary>The algorithm's catalogue name (<c>dqn</c>).</summary>
    public string Name { get; }

    /// <summary>Where the environments come from.</summary>
    public EnvironmentSource Environment { get; }

    /// <summary>The options.</summary>
    public ITrainingOptions Options { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary>The agent (networks, optimizers, policies).</summary>
    public abstract IAgent Agent { get; }

    /// <summary>The keyed values the algorithm records.</summary>
    public abstract IReadOnlyList<MetricDefinition> Metrics { get; }

    /// <summary>Counters so far.</summary>
    public abstract RunState State { get; protected set; }

    /// <summary>Whether an evaluation environment exists (not for a single user instance).</summary>
    public abstract bool CanEvaluate { get; }

    /// <summary>Trains for <paramref name="steps"/> more environment steps (or until cancelled), reporting to <paramref name="sink"/>. Returns this.</summary>
    public Algorithm Learn(long steps, IMetricsSink? sink = null, CancellationToken cancellation = default)
    {
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be positive.");
        Run(State.Step + steps, sink ?? NullMetricsSink.Instance, cancellation);
        return this;
    }

    /// <summary>Trains for <paramref name="steps"/> more steps; <paramref name="keepGoing"/> sees every snapshot and stops training by returning false.</summary>
    public Algorithm Learn(long steps, Func<TrainingSnapshot, bool> keepGoing, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(keepGoing);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        return Learn(steps, new StoppingSink(keepGoing, stop), stop.Token);
    }

    /// <summary>Trains until <c>total_steps</c> of the options (nothing when the run is already there).</summary>
    public Algorithm Learn() => State.Step >= Options.TotalSteps ? this : Learn(Options.TotalSteps - State.Step);

    /// <summary>
    /// Trains until <paramref name="targetStep"/> environment steps; the schedules (ε, learning-rate decay, β) run over that
    /// horizon. The learner uses the options' <c>threads</c> (<see cref="Bellman.Nn.EngineThreads.Max"/>) meanwhile.
    /// </summary>
    public RunState Run(long targetStep, IMetricsSink sink, CancellationToken cancellation)
    {
        int threads = Bellman.Nn.EngineThreads.Max;
        Bellman.Nn.EngineThreads.Max = Options.Threads;
        try
        {
            return RunCore(targetStep, sink, cancellation);
        }
        finally
        {
            Bellman.Nn.EngineThreads.Max = threads;
        }
    }

    /// <summary>The algorithm's training loop behind <see cref="Run"/>.</summary>
    protected abstract RunState RunCore(long targetStep, IMetricsSink sink, CancellationToken cancellation);

    /// <summary>Evaluates the greedy policy at the current step on the evaluation environment.</summary>
    public abstract EvaluationRecord Evaluate(CancellationToken cancellation = default);

    /// <summary>
    /// Counts an evaluation made outside training (the CLI's final one) toward <see cref="RunState.BestEvaluation"/>,
    /// so that the next checkpoint's counters describe it.
    /// </summary>
    public void RecordEvaluation(EvaluationRecord evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (evaluation.Returns.Count > 0) RecordBest(evaluation.MeanReturn);
    }

    /// <summary>Raises the best evaluation so far to <paramref name="meanReturn"/> if it is higher (nothing by default).</summary>
    protected virtual void RecordBest(double meanReturn) { }

    /// <summary>The greedy discrete action for <paramref name="observation"/>.</summary>
    public int Predict(ReadOnlySpan<float> observation)
    {
        if (Agent.ActionSpace is not Discrete)
            throw new InvalidOperationException($"{Name} acts in {Agent.ActionSpace}; use Predict(observation, action) for a vector action.");
        if (_action.Length < 1) _action = new float[1];
        Agent.Greedy(Check(observation), _action);
        return (int)_action[0];
    }

    /// <summary>The agent's action for <paramref name="observation"/>: greedy, or sampled as the agent explores.</summary>
    public void Predict(ReadOnlySpan<float> observation, Span<float> action, bool deterministic = true)
    {
        int size = Agent.ActionSpace is Discrete ? 1 : Agent.ActionSpace.FlatSize;
        if (action.Length < size) throw new ArgumentException($"The action buffer has {action.Length} elements; {Agent.ActionSpace} needs {size}.", nameof(action));
        if (deterministic) Agent.Greedy(Check(observation), action);
        else Agent.Sample(Check(observation), action, _predictRng ??= new Rng(Rng.DeriveSeed((ulong)Seed, 31)));
    }

    /// <summary>What a checkpoint of this algorithm records.</summary>
    public CheckpointMetadata Metadata()
    {
        var s = State;
        return new CheckpointMetadata(Name, Environment.Name, Environment.Options.ToDictionary(), Seed, s.Step, s.Episodes, s.Updates,
            double.IsNegativeInfinity(s.BestEvaluation) ? null : s.BestEvaluation,
            OptionBinder.Describe(Options).ToDictionary(x => x.Key, x => x.Value),
            SpaceDescription.Of(Agent.ObservationSpace), SpaceDescription.Of(Agent.ActionSpace));
    }

    /// <summary>
    /// Whether checkpoints hold the replay memory (true by default). Without it (for a memory too large to write
    /// at every checkpoint) a resumed run refills its buffer and is only approximately the uninterrupted one.
    /// </summary>
    public bool CheckpointReplay { get; set; } = true;

    /// <summary>
    /// After <see cref="Restore"/>: null when the run continues exactly as the uninterrupted one would, else why it
    /// continues only approximately (no training state in the checkpoint, no replay memory, an environment that
    /// cannot save its state).
    /// </summary>
    public string? ApproximateResume { get; private set; }

    /// <summary>
    /// Writes a checkpoint at <paramref name="path"/>: path.safetensors (weights, optimizer state), path.json
    /// (counters, options, architecture) and path.state (the training state: generators, environments in
    /// mid-episode, replay memory, noise, counters, bookkeeping), so that <see cref="Load"/> and
    /// <see cref="Learn(long, IMetricsSink?, CancellationToken)"/> continue the run exactly.
    /// </summary>
    public void Save(string path) => Save(path, trainingState: true);

    /// <summary>Writes a checkpoint at <paramref name="path"/>, with the training state or (for a checkpoint only to evaluate or export) without it.</summary>
    public void Save(string path, bool trainingState)
    {
        string? note = null;
        byte[]? state = trainingState
            ? EncodeState(Name, State.Step, writer =>
            {
                writer.Write(CheckpointReplay);
                WriteTrainingState(writer, CheckpointReplay);
            }, out note)
            : null;
        if (state is not null && !CheckpointReplay) note = "the checkpoint holds no replay memory (replay_in_checkpoint off)";
        AgentCheckpoint.Save(path, Agent.Networks, Agent.Optimizers, Metadata(), state, note);
    }

    /// <summary>
    /// The bytes of a training-state file: <see cref="StateMagic"/>, <see cref="StateVersion"/>, the algorithm and
    /// the step, then what <paramref name="body"/> writes. Null, with <paramref name="note"/> saying why, when the
    /// body throws <see cref="NotSupportedException"/> (the run then resumes approximately).
    /// </summary>
    internal static byte[]? EncodeState(string algorithm, long step, Action<BinaryWriter> body, out string? note)
    {
        note = null;
        try
        {
            using var memory = new MemoryStream();
            using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(StateMagic);
                writer.Write(StateVersion);
                writer.Write(algorithm);
                writer.Write(step);
                body(writer);
            }
            return memory.ToArray();
        }
        catch (NotSupportedException e)
        {
            note = $"the training state could not be saved: {e.Message}";
            return null;
        }
    }

    /// <summary>The first string of a training-state file.</summary>
    public const string StateMagic = "bellman-training-state";

    /// <summary>The version of the training-state layout (a file of another version resumes approximately).</summary>
    public const int StateVersion = 1;

    /// <summary>
    /// Writes the state training carries from step to step beyond weights, optimizers and counters (generators,
    /// environments, replay memory, noise, bookkeeping). The default throws <see cref="NotSupportedException"/>:
    /// such an algorithm resumes approximately.
    /// </summary>
    protected virtual void WriteTrainingState(BinaryWriter writer, bool includeReplay) =>
        throw new NotSupportedException($"{Name} does not save its training state.");

    /// <summary>Reads what <see cref="WriteTrainingState"/> wrote; returns false when it held no replay memory.</summary>
    protected virtual bool ReadTrainingState(BinaryReader reader) =>
        throw new NotSupportedException($"{Name} does not restore a training state.");

    /// <summary>
    /// Rebuilds the algorithm saved at <paramref name="path"/> from the checkpoint alone — its algorithm,
    /// environment, options, weights, optimizer state and counters — ready to predict or to continue
    /// learning. A user's own environment is not registered anywhere: pass it as <paramref name="environment"/>.
    /// </summary>
    public static Algorithm Load(string path, EnvironmentSource? environment = null)
    {
        var meta = ReadMetadata(path);
        if (Tabular.TdControl.MethodNamed(meta.Algo) is not null)
            throw new InvalidDataException($"{AgentCheckpoint.PathsFor(path).Sidecar} holds a tabular {meta.Algo} Q-table, not a network agent: `bellman eval` evaluates it (TdControlRun.ReadGreedyPolicy reads its greedy policy); render and export take network agents.");
        var info = AlgorithmCatalog.Find(meta.Algo)
            ?? throw new InvalidDataException($"{AgentCheckpoint.PathsFor(path).Sidecar}: algorithm '{meta.Algo}' is not one this version knows ({string.Join(", ", AlgorithmCatalog.All.Select(a => a.Name))}).");
        if (environment is null && !Bellman.Environments.EnvRegistry.Default.Contains(meta.Env))
            throw new InvalidDataException($"{AgentCheckpoint.PathsFor(path).Sidecar} was trained on '{meta.Env}', which is not a registered environment; pass it: Algorithm.Load(path, EnvironmentSource.FromFactory(() => new {meta.Env}())).");
        var options = info.Bind(info.Defaults, meta.Options, AgentCheckpoint.PathsFor(path).Sidecar);
        var algorithm = info.Create(environment ?? EnvironmentSource.FromId(meta.Env, meta.EnvOptions), options, meta.Seed);
        algorithm.Restore(path);
        return algorithm;
    }

    /// <summary>
    /// Loads the weights, optimizer state and counters of the checkpoint at <paramref name="path"/> into this
    /// algorithm (before it has trained), to continue a run. Fails naming the problem when the checkpoint
    /// was made by another algorithm or for other networks.
    /// </summary>
    public void Restore(string path)
    {
        var meta = ReadMetadata(path);
        if (meta.Algo != Name)
            throw new InvalidDataException($"{AgentCheckpoint.PathsFor(path).Sidecar} holds a {meta.Algo} agent, not {Name}.");
        byte[]? state = AgentCheckpoint.ReadTrainingState(path, out string? note);
        AgentCheckpoint.Load(path, Agent.Networks, Agent.Optimizers);
        State = meta.ToState();
        ApproximateResume = state is null ? note ?? "the checkpoint has no training state" : RestoreTrainingState(AgentCheckpoint.StatePathFor(path), state, meta.Step);
    }

    private string? RestoreTrainingState(string file, byte[] bytes, long step)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
            if (reader.ReadString() != StateMagic) throw new InvalidDataException("it is not a Bellman training state");
            int version = reader.ReadInt32();
            if (version != StateVersion) return $"its training state has version {version}, which this version of Bellman (state version {StateVersion}) does not read";
            string algo = reader.ReadString();
            long at = reader.ReadInt64();
            if (algo != Name || at != step) throw new InvalidDataException($"it holds the state of {algo} at step {at}, but the checkpoint is {Name} at step {step}");
            CheckpointReplay = reader.ReadBoolean();
            bool replay = ReadTrainingState(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException($"{reader.BaseStream.Length - reader.BaseStream.Position} bytes are left over");
            return replay ? null : "the checkpoint holds no replay memory (replay_in_checkpoint off): the buffer refills before training goes on";
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"'{file}' is truncated or corrupt ({e.Message.TrimEnd('.')}); delete it to resume approximately from the weights alone.", e);
        }
    }

    /// <summary>The metadata of the checkpoint at <paramref name="path"/>.</summary>
    public static CheckpointMetadata ReadMetadata(string path)
    {
        string sidecar = AgentCheckpoint.PathsFor(path).Sidecar;
        // A wrong type names the key, its value and what it takes (SidecarJson); then what must be there is checked.
        var meta = SidecarJson.Read<CheckpointMetadata>(AgentCheckpoint.ReadMetadata(path), sidecar, "metadata");
        string? missing = string.IsNullOrEmpty(meta.Algo) ? "Algo" : string.IsNullOrEmpty(meta.Env) ? "Env" : meta.Options is null ? "Options"
            : meta.EnvOptions is null ? "EnvOptions" : null;
        if (missing is not null) throw new InvalidDataException($"{sidecar}: the metadata has no \"{missing}\".");
        foreach (var (name, values) in new[] { ("Options", meta.Options!), ("EnvOptions", meta.EnvOptions!) })
            if (values.FirstOrDefault(kv => kv.Value is null).Key is string key)
                throw new InvalidDataException($"{sidecar}: \"metadata.{name}.{key}\" is null, but must be a string.");
        if (meta.Step < 0 || meta.Episodes < 0 || meta.Updates < 0)
            throw new InvalidDataException($"{sidecar}: the counters (Step {meta.Step}, Episodes {meta.Episodes}, Updates {meta.Updates}) must not be negative.");
        return meta;
    }

    /// <summary>Releases the environments.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>The training environments: a synchronous vector of <paramref name="numEnvs"/>.</summary>
    protected static IVectorEnvironment MakeVector(EnvironmentSource environment, int numEnvs) => new SyncVectorEnvironment(environment.TrainingFactories(numEnvs));

    private ReadOnlySpan<float> Check(ReadOnlySpan<float> observation)
    {
        int size = Agent.ObservationSpace.FlatSize;
        if (observation.Length != size)
            throw new ArgumentException($"The observation has {observation.Length} values; {Agent.ObservationSpace} has {size}.", nameof(observation));
        return observation;
    }

    private sealed class StoppingSink(Func<TrainingSnapshot, bool> keepGoing, CancellationTokenSource stop) : IMetricsSink
    {
        public void OnEpisode(in EpisodeRecord episode) { }

        public void OnSnapshot(TrainingSnapshot snapshot)
        {
            if (!keepGoing(snapshot)) stop.Cancel();
        }

        public void OnEvaluation(EvaluationRecord evaluation) { }
    }
}

/// <summary>
/// An off-policy algorithm: a vector of training environments, an evaluation environment, the agent its
/// subclass builds, and the shared <see cref="OffPolicyLoop"/>. A new algorithm is its options record,
/// its agent and a constructor.
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class OffPolicyAlgorithm<TOptions> : Algorithm where TOptions : OffPolicyOptions
{
    private readonly IVectorEnvironment _envs;
    private readonly IEnvironment? _evalEnv;

    /// <summary>Builds the environments, the agent (from <paramref name="createAgent"/>, initialised from the seed) and the loop.</summary>
    protected OffPolicyAlgorithm(string name, EnvironmentSource environment, TOptions options, int seed, Func<Space, Space, TOptions, Rng, IOffPolicyAgent> createAgent)
        : base(name, environment, options, seed)
    {
        var probe = environment.Probe;
        var agent = createAgent(probe.ObservationSpace, probe.ActionSpace, options, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _envs = MakeVector(environment, options.NumEnvs);
        _evalEnv = environment.MakeEvaluationEnvironment();
        OffPolicyAgent = agent;
        Options = options;
        // overlap_collection: a second agent of the same kind acts (its own initial weights are replaced by the learner's).
        var collector = options.OverlapCollection ? createAgent(probe.ObservationSpace, probe.ActionSpace, options, new Rng(Rng.DeriveSeed((ulong)seed, 2))) : null;
        Loop = new OffPolicyLoop(_envs, _evalEnv, agent, options, seed, collector);
    }

    /// <summary>The options.</summary>
    public new TOptions Options { get; }

    /// <summary>The agent.</summary>
    public IOffPolicyAgent OffPolicyAgent { get; }

    /// <inheritdoc/>
    public override IAgent Agent => OffPolicyAgent;

    /// <summary>The loop (its replay buffer, its counters).</summary>
    public OffPolicyLoop Loop { get; }

    /// <summary>The training environments.</summary>
    public IVectorEnvironment Environments => _envs;

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => OffPolicyAgent.Metrics;

    /// <inheritdoc/>
    public override RunState State { get => Loop.State; protected set => Loop.State = value; }

    /// <inheritdoc/>
    public override bool CanEvaluate => _evalEnv is not null;

    /// <inheritdoc/>
    protected override RunState RunCore(long targetStep, IMetricsSink sink, CancellationToken cancellation) => Loop.Run(targetStep, sink, cancellation);

    /// <inheritdoc/>
    public override EvaluationRecord Evaluate(CancellationToken cancellation = default) => Loop.Evaluate(State.Step, cancellation);

    /// <inheritdoc/>
    protected override void RecordBest(double meanReturn) => Loop.RecordBest(meanReturn);

    /// <inheritdoc/>
    protected override void WriteTrainingState(BinaryWriter writer, bool includeReplay) => Loop.WriteState(writer, includeReplay);

    /// <inheritdoc/>
    protected override bool ReadTrainingState(BinaryReader reader) => Loop.ReadState(reader);

    /// <inheritdoc/>
    public override void Dispose()
    {
        Loop.Dispose();
        _envs.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// An on-policy algorithm: a vector of training environments, an evaluation environment, the update rule
/// its subclass builds, and the shared <see cref="OnPolicyLoop"/>.
/// </summary>
/// <typeparam name="TOptions">The options record.</typeparam>
public abstract class OnPolicyAlgorithm<TOptions> : Algorithm where TOptions : OnPolicyOptions
{
    private readonly IVectorEnvironment _envs;
    private readonly IEnvironment? _evalEnv;

    /// <summary>Builds the environments, the update rule (initialised from the seed) and the loop.</summary>
    protected OnPolicyAlgorithm(string name, EnvironmentSource environment, TOptions options, int seed, Func<Space, Space, TOptions, Rng, IOnPolicyUpdate> createUpdate)
        : base(name, environment, options, seed)
    {
        var probe = environment.Probe;
        Update = createUpdate(probe.ObservationSpace, probe.ActionSpace, options, new Rng(Rng.DeriveSeed((ulong)seed, 1)));
        _envs = MakeVector(environment, options.NumEnvs);
        _evalEnv = environment.MakeEvaluationEnvironment();
        Options = options;
        Loop = new OnPolicyLoop(_envs, _evalEnv, Update, options, seed);
    }

    /// <summary>The options.</summary>
    public new TOptions Options { get; }

    /// <summary>The update rule.</summary>
    public IOnPolicyUpdate Update { get; }

    /// <inheritdoc/>
    public override IAgent Agent => Update.Agent;

    /// <summary>The loop.</summary>
    public OnPolicyLoop Loop { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<MetricDefinition> Metrics => Update.Metrics;

    /// <inheritdoc/>
    public override RunState State { get => Loop.State; protected set => Loop.State = value; }

    /// <inheritdoc/>
    public override bool CanEvaluate => _evalEnv is not null;

    /// <inheritdoc/>
    protected override RunState RunCore(long targetStep, IMetricsSink sink, CancellationToken cancellation) => Loop.Run(targetStep, sink, cancellation);

    /// <inheritdoc/>
    public override EvaluationRecord Evaluate(CancellationToken cancellation = default) => Loop.Evaluate(State.Step, cancellation);

    /// <inheritdoc/>
    protected override void RecordBest(double meanReturn) => Loop.RecordBest(meanReturn);

    /// <inheritdoc/>
    protected override void WriteTrainingState(BinaryWriter writer, bool includeReplay) => Loop.WriteState(writer);

    /// <inheritdoc/>
    protected override bool ReadTrainingState(BinaryReader reader)
    {
        Loop.ReadState(reader);
        return true;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _envs.Dispose();
        base.Dispose();
    }
}
