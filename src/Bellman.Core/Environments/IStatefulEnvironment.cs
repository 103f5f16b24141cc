namespace Bellman.Core.Environments;

/// <summary>
/// An environment whose internal state can be read and set directly: the vector Gymnasium keeps in
/// <c>env.unwrapped.state</c>, as float64. Used to replay reference trajectories and to start from a
/// chosen state.
/// </summary>
public interface IStatefulEnvironment : IEnvironment
{
    /// <summary>The number of elements in the internal state.</summary>
    int StateSize { get; }

    /// <summary>Copies the internal state into <paramref name="destination"/>.</summary>
    void GetState(Span<double> destination);

    /// <summary>
    /// Starts an episode from an explicit internal state (as setting <c>env.unwrapped.state</c> right
    /// after a reset) and returns its observation. Throws with the expected length when the length is wrong.
    /// </summary>
    ReadOnlySpan<float> ResetToState(ReadOnlySpan<double> state);
}
