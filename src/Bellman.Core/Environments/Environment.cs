using System.Globalization;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Core.State;

namespace Bellman.Core.Environments;

/// <summary>
/// Base class for environments. It owns the random generator (Gymnasium's <c>np_random</c>), the
/// observation buffer and the episode bookkeeping, and validates actions before the subclass sees them:
/// a discrete action out of range, a NaN or a vector of the wrong length is an
/// <see cref="InvalidActionException"/>, and stepping a terminated episode is an
/// <see cref="EpisodeEndedException"/>. Subclasses implement <see cref="ResetCore"/> and one of the
/// <c>StepCore</c> overloads.
/// </summary>
public abstract class Environment : IEnvironment, IResumable
{
    private readonly float[] _observation;
    private readonly Discrete? _discreteActions;
    private NumpyGenerator? _random;
    private bool _started;
    private bool _terminated;

    /// <summary>Creates an environment with the given spaces.</summary>
    protected Environment(Space observationSpace, Space actionSpace)
    {
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        _discreteActions = actionSpace as Discrete;
        _observation = new float[observationSpace.FlatSize];
    }

    /// <inheritdoc/>
    public EnvSpec? Spec { get; set; }

    /// <summary>A name for messages: the spec id when registered, else the type name.</summary>
    public string Name => Spec?.Id ?? GetType().Name;

    /// <inheritdoc/>
    public Space ObservationSpace { get; }

    /// <inheritdoc/>
    public Space ActionSpace { get; }

    /// <inheritdoc/>
    public ReadOnlySpan<float> Observation => _observation;

    /// <summary>The buffer subclasses write observations into.</summary>
    protected Span<float> ObservationBuffer => _observation;

    /// <summary>
    /// The environment's own generator, Gymnasium's <c>env.np_random</c>: NumPy's Generator over PCG64.
    /// <see cref="Reset"/> with seed k replaces it by Generator(PCG64(SeedSequence(k))), so that every draw
    /// the environment makes repeats Gymnasium's for seed k; without a seed it continues, and it is seeded
    /// from operating-system entropy when first needed. It may be set (for checkpoints, or to share one).
    /// </summary>
    public NumpyGenerator NpRandom
    {
        get => _random ??= NumpyGenerator.FromEntropy();
        set => _random = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The generator that subclasses draw every random number from (<see cref="NpRandom"/>).</summary>
    protected NumpyGenerator Random => NpRandom;

    /// <summary>
    /// Whether a finite Box action outside the bounds is accepted and clipped by the subclass (as
    /// Gymnasium's Pendulum and MountainCarContinuous do). When false such an action is an error.
    /// </summary>
    protected virtual bool ClipsContinuousActions => false;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Reset(int? seed = null)
    {
        if (seed is int s)
        {
            if (s < 0) throw new ArgumentOutOfRangeException(nameof(seed), $"{Name}: seed {s} is negative; a seed must be a non-negative integer, as in Gymnasium.");
            _random = NumpyGenerator.FromSeed(s);
            OnSeed(s);
        }
        ResetCore();
        _started = true;
        _terminated = false;
        return _observation;
    }

    /// <summary>
    /// Called by <see cref="Reset"/> with the seed, after <see cref="Random"/> is reseeded and before
    /// <see cref="ResetCore"/>, for an environment that must seed a generator of its own the way the
    /// original does (MinAtar seeds numpy's RandomState with the seed itself).
    /// </summary>
    protected virtual void OnSeed(int seed) { }

    /// <summary>Starts an episode: sets the internal state from <see cref="Random"/> and writes the observation.</summary>
    protected abstract void ResetCore();

    /// <summary>Marks an episode as started from an explicitly set state (for <see cref="IStatefulEnvironment"/>).</summary>
    protected void BeginEpisodeFromState()
    {
        _started = true;
        _terminated = false;
    }

    /// <summary>
    /// Writes the environment's mid-episode state for a checkpoint: its generator, whether an episode is
    /// running, the observation, and the subclass's own state (<see cref="WriteStateCore"/>).
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Tag(GetType().Name);
        writer.Write(_random is not null);
        if (_random is not null) writer.Write(_random);
        writer.Write(_started);
        writer.Write(_terminated);
        writer.WriteSpan(_observation);
        WriteStateCore(writer);
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> of the same kind of environment.</summary>
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag(GetType().Name);
        var random = reader.ReadBoolean() ? reader.ReadNumpyGenerator() : null;
        bool started = reader.ReadBoolean(), terminated = reader.ReadBoolean();
        reader.ReadInto(_observation);
        ReadStateCore(reader);
        _random = random;
        _started = started;
        _terminated = terminated;
    }

    /// <summary>
    /// Writes the subclass's state (positions, velocities, counters, generators of its own). An environment that
    /// does not override it cannot be checkpointed in mid-episode: a training run on it resumes approximately.
    /// </summary>
    protected virtual void WriteStateCore(BinaryWriter writer) =>
        throw new NotSupportedException($"{Name} does not save its mid-episode state (it overrides no WriteStateCore).");

    /// <summary>Reads what <see cref="WriteStateCore"/> wrote.</summary>
    protected virtual void ReadStateCore(BinaryReader reader) =>
        throw new NotSupportedException($"{Name} does not restore a mid-episode state (it overrides no ReadStateCore).");

    /// <inheritdoc/>
    public StepResult Step(int action)
    {
        if (!_started || _terminated) EnsureSteppable();
        if (_discreteActions is not Discrete discrete)
            throw new InvalidActionException($"{Name}: action {action} is an integer, but the action space is {ActionSpace}; pass a vector of {ActionSpace.FlatSize} floats.");
        if (!discrete.Contains(action)) ThrowOutside(discrete, action);
        return Finish(StepCore(action));
    }

    private void ThrowOutside(Discrete discrete, int action) =>
        throw new InvalidActionException($"{Name}: action {action} is outside the action space {discrete} (valid: {discrete.Start}..{discrete.Start + discrete.N - 1}).");

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (ActionSpace is Discrete)
        {
            if (action.Length != 1 || !float.IsFinite(action[0]) || action[0] != MathF.Floor(action[0]))
            {
                EnsureSteppable();
                throw new InvalidActionException($"{Name}: action {FormatAction(action)} is not an element of the action space {ActionSpace}.");
            }
            return Step((int)action[0]);
        }
        EnsureSteppable();
        var box = (Box)ActionSpace;
        if (action.Length != box.FlatSize)
            throw new InvalidActionException($"{Name}: action {FormatAction(action)} has {action.Length} elements, but the action space {box} needs {box.FlatSize}.");
        for (int i = 0; i < action.Length; i++)
        {
            if (!float.IsFinite(action[i]))
                throw new InvalidActionException($"{Name}: action {FormatAction(action)} has a non-finite element {i}; the action space is {box}.");
        }
        if (!ClipsContinuousActions && !box.Contains(action))
            throw new InvalidActionException($"{Name}: action {FormatAction(action)} is outside the action space {box}.");
        return Finish(StepCore(action));
    }

    /// <summary>Advances the episode by a discrete action already checked to be in the space.</summary>
    protected virtual StepResult StepCore(int action) =>
        throw new NotSupportedException($"{Name} has no discrete actions.");

    /// <summary>Advances the episode by a Box action of the right length with finite elements.</summary>
    protected virtual StepResult StepCore(ReadOnlySpan<float> action) =>
        throw new NotSupportedException($"{Name} has no continuous actions.");

    /// <inheritdoc/>
    public virtual string Render() => $"{Name}: obs [{string.Join(", ", _observation.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))}]";

    /// <summary>Formats an action for an error message.</summary>
    protected static string FormatAction(ReadOnlySpan<float> action) =>
        "[" + string.Join(", ", action.ToArray().Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";

    private void EnsureSteppable()
    {
        if (!_started) throw new EpisodeEndedException($"{Name}: Step was called before Reset; call Reset first.");
        if (_terminated) throw new EpisodeEndedException($"{Name}: the episode has ended; call Reset before stepping again.");
    }

    private StepResult Finish(StepResult result)
    {
        if (result.Terminated || result.Truncated) _terminated = true;
        return result;
    }
}
