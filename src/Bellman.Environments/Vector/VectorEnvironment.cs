using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.State;

namespace Bellman.Environments.Vector;

/// <summary>
/// The state shared by the vector environments: the environments, the result buffers and the step of one
/// environment with same-step autoreset. Subclasses decide only who runs which rows
/// (<see cref="Execute"/>), so <see cref="SyncVectorEnvironment"/> and <see cref="ThreadedVectorEnvironment"/>
/// give identical results by construction.
/// </summary>
public abstract class VectorEnvironment : IVectorEnvironment, IResumable
{
    private readonly IEnvironment[] _envs;
    private readonly float[] _observations;
    private readonly float[] _finalObservations;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly bool[] _ended;
    private readonly double[] _finalReturns;
    private readonly int[] _finalLengths;
    private readonly double[] _returns;
    private readonly int[] _lengths;
    private readonly int[] _intActions;
    private readonly float[] _floatActions;
    private Phase _phase;
    private int? _seed;
    private bool _ready;

    private enum Phase { Reset, StepInt, StepFloat }

    /// <summary>Creates one environment per factory and checks that their spaces agree.</summary>
    protected VectorEnvironment(IReadOnlyList<Func<IEnvironment>> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        if (factories.Count == 0) throw new ArgumentException("A vector environment needs at least one environment factory.", nameof(factories));
        _envs = new IEnvironment[factories.Count];
        for (int i = 0; i < _envs.Length; i++)
        {
            var factory = factories[i] ?? throw new ArgumentException($"Environment factory {i} is null.", nameof(factories));
            _envs[i] = factory() ?? throw new ArgumentException($"Environment factory {i} returned null.", nameof(factories));
        }
        SingleObservationSpace = _envs[0].ObservationSpace;
        SingleActionSpace = _envs[0].ActionSpace;
        for (int i = 1; i < _envs.Length; i++)
        {
            if (!SameSpace(_envs[i].ObservationSpace, SingleObservationSpace))
                throw new ArgumentException($"Environment {i} ({_envs[i].Name}) has observation space {_envs[i].ObservationSpace}, but environment 0 ({_envs[0].Name}) has {SingleObservationSpace}; all must agree.", nameof(factories));
            if (!SameSpace(_envs[i].ActionSpace, SingleActionSpace))
                throw new ArgumentException($"Environment {i} ({_envs[i].Name}) has action space {_envs[i].ActionSpace}, but environment 0 ({_envs[0].Name}) has {SingleActionSpace}; all must agree.", nameof(factories));
        }
        int n = _envs.Length;
        ObservationSize = SingleObservationSpace.FlatSize;
        ActionSize = SingleActionSpace.FlatSize;
        _observations = new float[n * ObservationSize];
        _finalObservations = new float[n * ObservationSize];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
        _ended = new bool[n];
        _finalReturns = new double[n];
        _finalLengths = new int[n];
        _returns = new double[n];
        _lengths = new int[n];
        _intActions = new int[n];
        _floatActions = new float[n * ActionSize];
        Environments = Array.AsReadOnly(_envs);
    }

    /// <inheritdoc/>
    public int NumEnvs => _envs.Length;

    /// <inheritdoc/>
    public Space SingleObservationSpace { get; }

    /// <inheritdoc/>
    public Space SingleActionSpace { get; }

    /// <inheritdoc/>
    public int ObservationSize { get; }

    /// <inheritdoc/>
    public int ActionSize { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<float> Observations => _observations;

    /// <inheritdoc/>
    public ReadOnlySpan<float> FinalObservations => _finalObservations;

    /// <inheritdoc/>
    public ReadOnlySpan<double> Rewards => _rewards;

    /// <inheritdoc/>
    public ReadOnlySpan<bool> Terminated => _terminated;

    /// <inheritdoc/>
    public ReadOnlySpan<bool> Truncated => _truncated;

    /// <inheritdoc/>
    public ReadOnlySpan<bool> EndedThisStep => _ended;

    /// <inheritdoc/>
    public ReadOnlySpan<double> FinalReturns => _finalReturns;

    /// <inheritdoc/>
    public ReadOnlySpan<int> FinalLengths => _finalLengths;

    /// <inheritdoc/>
    public IReadOnlyList<IEnvironment> Environments { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<float> Reset(int? seed = null)
    {
        _seed = seed;
        Run(Phase.Reset);
        return _observations;
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<int> actions)
    {
        if (actions.Length != NumEnvs)
            throw new ArgumentException($"Step got {actions.Length} integer actions for {NumEnvs} environments.", nameof(actions));
        actions.CopyTo(_intActions);
        Run(Phase.StepInt);
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> actions)
    {
        if (actions.Length != _floatActions.Length)
            throw new ArgumentException($"Step got {actions.Length} action floats; {NumEnvs} environments × {ActionSize} per action need {_floatActions.Length}.", nameof(actions));
        actions.CopyTo(_floatActions);
        Run(Phase.StepFloat);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Writes the state of every environment (mid-episode, with its generator and wrappers) and of the
    /// autoreset bookkeeping (current and final observations, running and final returns and lengths, the last
    /// step's outputs) for a checkpoint. Throws
    /// <see cref="NotSupportedException"/> when an environment cannot save its state.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag("vector");
        writer.Write(NumEnvs);
        writer.Write(_ready);
        writer.WriteSpan(_observations);
        writer.WriteSpan(_returns);
        writer.WriteSpan(_lengths);
        writer.WriteSpan(_finalObservations);
        writer.WriteSpan(_finalReturns);
        writer.WriteSpan(_finalLengths);
        writer.WriteSpan(_rewards);
        writer.WriteSpan(_terminated);
        writer.WriteSpan(_truncated);
        writer.WriteSpan(_ended);
        for (int i = 0; i < _envs.Length; i++)
        {
            if (_envs[i] is not IResumable env) throw new NotSupportedException($"Environment {i} ({_envs[i].Name}) does not save its mid-episode state.");
            env.WriteState(writer);
        }
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> of an identically built vector.</summary>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag("vector");
        int n = reader.ReadInt32();
        if (n != NumEnvs) throw new InvalidDataException($"a state of {n} environments for a vector of {NumEnvs}");
        bool ready = reader.ReadBoolean();
        reader.ReadInto(_observations);
        reader.ReadInto(_returns);
        reader.ReadInto(_lengths);
        reader.ReadInto(_finalObservations);
        reader.ReadInto(_finalReturns);
        reader.ReadInto(_finalLengths);
        reader.ReadInto(_rewards);
        reader.ReadInto(_terminated);
        reader.ReadInto(_truncated);
        reader.ReadInto(_ended);
        for (int i = 0; i < _envs.Length; i++)
        {
            if (_envs[i] is not IResumable env) throw new NotSupportedException($"Environment {i} ({_envs[i].Name}) does not restore a mid-episode state.");
            env.ReadState(reader);
        }
        _ready = ready;
    }

    /// <summary>Releases resources (worker threads) held by a subclass.</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <summary>Runs <see cref="ExecuteRows"/> for every row 0..<see cref="NumEnvs"/> and returns when all are done, rethrowing the first failure.</summary>
    protected abstract void Execute();

    /// <summary>Does the current phase for rows [<paramref name="start"/>, <paramref name="end"/>).</summary>
    protected void ExecuteRows(int start, int end)
    {
        int i = start;
        try
        {
            switch (_phase)
            {
                case Phase.Reset:
                    for (; i < end; i++) ResetRow(i);
                    break;
                case Phase.StepInt:
                    for (; i < end; i++) StepRow(i, _envs[i].Step(_intActions[i]));
                    break;
                default:
                    for (; i < end; i++) StepRow(i, _envs[i].Step(_floatActions.AsSpan(i * ActionSize, ActionSize)));
                    break;
            }
        }
        catch (InvalidActionException e)
        {
            throw new InvalidActionException($"Vector environment {i}: {e.Message} Reset the vector environment before stepping again.");
        }
    }

    private void Run(Phase phase)
    {
        if (phase != Phase.Reset && !_ready)
            throw new EpisodeEndedException("The vector environment must be reset before stepping (it was never reset, or a previous call failed part-way).");
        _phase = phase;
        _ready = false;
        Execute();
        _ready = true;
    }

    private void ResetRow(int i)
    {
        var obs = _envs[i].Reset(_seed is int s ? s + i : null);
        obs.CopyTo(_observations.AsSpan(i * ObservationSize, ObservationSize));
        _rewards[i] = 0;
        _terminated[i] = _truncated[i] = _ended[i] = false;
        _returns[i] = 0;
        _lengths[i] = 0;
    }

    private void StepRow(int i, StepResult result)
    {
        var env = _envs[i];
        var row = _observations.AsSpan(i * ObservationSize, ObservationSize);
        _rewards[i] = result.Reward;
        _terminated[i] = result.Terminated;
        _truncated[i] = result.Truncated;
        _returns[i] += result.Reward;
        _lengths[i]++;
        if (result.NeedsReset)
        {
            _ended[i] = true;
            env.Observation.CopyTo(_finalObservations.AsSpan(i * ObservationSize, ObservationSize));
            _finalReturns[i] = _returns[i];
            _finalLengths[i] = _lengths[i];
            _returns[i] = 0;
            _lengths[i] = 0;
            env.Reset().CopyTo(row);
        }
        else
        {
            _ended[i] = false;
            env.Observation.CopyTo(row);
        }
    }

    private static bool SameSpace(Space a, Space b) =>
        a.GetType() == b.GetType() && a.FlatSize == b.FlatSize && a.ToString() == b.ToString();
}
