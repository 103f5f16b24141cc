using Bellman.Core.Environments;
using Bellman.Core.State;
using Bellman.Core.Spaces;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// Base class for wrappers, as Gymnasium's <c>gym.Wrapper</c>: every member forwards to
/// <see cref="Inner"/> unless a subclass overrides it. <see cref="Spec"/> is shared with the inner
/// environment, so setting it on the outermost wrapper names every layer.
/// </summary>
public abstract class Wrapper : IStatefulEnvironment, IResumable
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected Wrapper(IEnvironment inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The environment this wrapper forwards to (possibly another wrapper).</summary>
    public IEnvironment Inner { get; }

    /// <summary>The innermost environment, below every wrapper (Gymnasium's <c>env.unwrapped</c>).</summary>
    public IEnvironment Unwrapped => Inner.Unwrap();

    /// <inheritdoc/>
    public EnvSpec? Spec
    {
        get => Inner.Spec;
        set => Inner.Spec = value;
    }

    /// <summary>A name for messages: the name of the inner environment.</summary>
    public string Name => Inner.Name;

    /// <inheritdoc/>
    public virtual Space ObservationSpace => Inner.ObservationSpace;

    /// <inheritdoc/>
    public virtual Space ActionSpace => Inner.ActionSpace;

    /// <inheritdoc/>
    public virtual ReadOnlySpan<float> Observation => Inner.Observation;

    /// <inheritdoc/>
    public ReadOnlySpan<float> Reset(int? seed = null) => OnReset(Inner.Reset(seed));

    /// <summary>
    /// Starts an episode from an explicit internal state of the innermost environment, passing the first
    /// observation through every wrapper as <see cref="Reset"/> does. Throws <see cref="NotSupportedException"/>
    /// when the environment has no settable state.
    /// </summary>
    public ReadOnlySpan<float> ResetToState(ReadOnlySpan<double> state) => Inner is IStatefulEnvironment stateful
        ? OnReset(stateful.ResetToState(state))
        : throw new NotSupportedException($"{Name} cannot start from an explicit internal state.");

    /// <inheritdoc/>
    public int StateSize => Inner is IStatefulEnvironment stateful ? stateful.StateSize : 0;

    /// <inheritdoc/>
    public void GetState(Span<double> destination)
    {
        if (Inner is not IStatefulEnvironment stateful) throw new NotSupportedException($"{Name} has no readable internal state.");
        stateful.GetState(destination);
    }

    /// <summary>
    /// Writes the state of the whole stack for a checkpoint: the inner environment's, then this wrapper's own
    /// (<see cref="WriteOwnState"/>). Throws <see cref="NotSupportedException"/> when the innermost environment cannot save its state.
    /// </summary>
    public void WriteState(BinaryWriter writer)
    {
        if (Inner is not IResumable inner) throw new NotSupportedException($"{Name} ({Inner.GetType().Name}) does not save its mid-episode state.");
        inner.WriteState(writer);
        writer.Tag(GetType().Name);
        WriteOwnState(writer);
    }

    /// <summary>Restores a state written by <see cref="WriteState"/> of an identical stack.</summary>
    public void ReadState(BinaryReader reader)
    {
        if (Inner is not IResumable inner) throw new NotSupportedException($"{Name} ({Inner.GetType().Name}) does not restore a mid-episode state.");
        inner.ReadState(reader);
        reader.ExpectTag(GetType().Name);
        ReadOwnState(reader);
    }

    /// <summary>Writes this wrapper's own counters or statistics (nothing for a stateless wrapper).</summary>
    protected virtual void WriteOwnState(BinaryWriter writer) { }

    /// <summary>Reads what <see cref="WriteOwnState"/> wrote.</summary>
    protected virtual void ReadOwnState(BinaryReader reader) { }

    /// <summary>Called with the first observation of every episode (after <see cref="Reset"/> or <see cref="ResetToState"/>); returns what this wrapper observes.</summary>
    protected virtual ReadOnlySpan<float> OnReset(ReadOnlySpan<float> observation) => observation;

    /// <inheritdoc/>
    public virtual StepResult Step(int action) => Inner.Step(action);

    /// <inheritdoc/>
    public virtual StepResult Step(ReadOnlySpan<float> action) => Inner.Step(action);

    /// <inheritdoc/>
    public virtual string Render() => Inner.Render();

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}<{(Inner is Wrapper ? Inner.ToString() : Inner.Name)}>";
}

/// <summary>Helpers to look through a stack of wrappers.</summary>
public static class WrapperExtensions
{
    /// <summary>The innermost environment below every <see cref="Wrapper"/> (the environment itself when unwrapped).</summary>
    public static IEnvironment Unwrap(this IEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        while (env is Wrapper w) env = w.Inner;
        return env;
    }

    /// <summary>
    /// The outermost layer of type <typeparamref name="T"/> in the stack starting at <paramref name="env"/>
    /// (the environment itself included), or null when there is none. For example
    /// <c>env.Find&lt;EpisodeStatistics&gt;()?.LastEpisode</c>.
    /// </summary>
    public static T? Find<T>(this IEnvironment env) where T : class, IEnvironment
    {
        ArgumentNullException.ThrowIfNull(env);
        while (true)
        {
            if (env is T found) return found;
            if (env is not Wrapper w) return null;
            env = w.Inner;
        }
    }
}
