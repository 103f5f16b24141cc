using Bellman.Core.Environments;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Tabular;

/// <summary>
/// Reads the state index and writes the action of an environment with <see cref="Discrete"/> observation
/// and action spaces (a Discrete observation is one float holding the integer), as 0-based indices.
/// </summary>
internal readonly struct DiscreteEnvironment
{
    private readonly Discrete _observations;
    private readonly Discrete _actions;

    public DiscreteEnvironment(IEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Environment = environment;
        _observations = environment.ObservationSpace as Discrete
            ?? throw new ArgumentException($"{environment.Name}: tabular methods need a Discrete observation space; it is {environment.ObservationSpace}.", nameof(environment));
        _actions = environment.ActionSpace as Discrete
            ?? throw new ArgumentException($"{environment.Name}: tabular methods need a Discrete action space; it is {environment.ActionSpace}.", nameof(environment));
    }

    public IEnvironment Environment { get; }

    public int StateCount => _observations.N;

    public int ActionCount => _actions.N;

    /// <summary>Resets and returns the 0-based state index.</summary>
    public int Reset(int? seed) => State(Environment.Reset(seed));

    /// <summary>Takes the 0-based action; the next state is <see cref="Current"/>.</summary>
    public StepResult Step(int action) => Environment.Step(action + _actions.Start);

    /// <summary>The 0-based index of the latest observation.</summary>
    public int Current => State(Environment.Observation);

    private int State(ReadOnlySpan<float> observation)
    {
        if (observation.Length != 1 || !_observations.Contains(observation))
            throw new InvalidOperationException($"{Environment.Name}: observation of {observation.Length} floats is not an element of {_observations}.");
        return (int)observation[0] - _observations.Start;
    }

    /// <summary>Checks that a table has one row per state of this environment.</summary>
    public void CheckStates(int length, int perState, string name)
    {
        if (length != StateCount * perState)
            throw new ArgumentException($"{name} has {length} entries; {Environment.Name} has {StateCount} states{(perState > 1 ? $" × {perState} actions" : "")}, so it needs {StateCount * perState}.", name);
    }
}
