using Bellman.Core.Environments;
using Bellman.Core.Spaces;
using Bellman.Core.State;

namespace Bellman.Environments.ClassicControl;

/// <summary>
/// Base of the classic-control environments: their internal state is a short float64 vector (Gymnasium's
/// <c>env.unwrapped.state</c>) that can be read and set. This class checks lengths and finiteness with
/// messages that name the layout; each environment only copies its fields and writes its observation.
/// </summary>
public abstract class ClassicControlEnvironment(Space observationSpace, Space actionSpace)
    : Bellman.Core.Environments.Environment(observationSpace, actionSpace), IStatefulEnvironment
{
    /// <inheritdoc/>
    public abstract int StateSize { get; }

    /// <summary>The names of the state's elements, in order, for messages ("x, x_dot, theta, theta_dot").</summary>
    protected abstract string StateLayout { get; }

    /// <inheritdoc/>
    public void GetState(Span<double> destination)
    {
        if (destination.Length != StateSize)
            throw new ArgumentException($"{Name}: the state has {StateSize} elements ({StateLayout}); destination has {destination.Length}.", nameof(destination));
        ReadState(destination);
    }

    /// <inheritdoc/>
    public ReadOnlySpan<float> ResetToState(ReadOnlySpan<double> state)
    {
        StateVector.Validate(Name, state, StateSize, StateLayout);
        SetState(state);
        WriteObservation();
        BeginEpisodeFromState();
        return Observation;
    }

    /// <inheritdoc/>
    protected override void WriteStateCore(BinaryWriter writer)
    {
        Span<double> state = stackalloc double[StateSize];
        ReadState(state);
        writer.WriteSpan(state);
    }

    /// <inheritdoc/>
    protected override void ReadStateCore(BinaryReader reader)
    {
        Span<double> state = stackalloc double[StateSize];
        reader.ReadInto(state);
        SetState(state);
    }

    /// <summary>Copies the state (already checked to have <see cref="StateSize"/> elements) into <paramref name="destination"/>.</summary>
    protected abstract void ReadState(Span<double> destination);

    /// <summary>Sets the state from <paramref name="state"/> (already checked: right length, finite).</summary>
    protected abstract void SetState(ReadOnlySpan<double> state);

    /// <summary>Writes the observation of the current state into the observation buffer.</summary>
    protected abstract void WriteObservation();
}
