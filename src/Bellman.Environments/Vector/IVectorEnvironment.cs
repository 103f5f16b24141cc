using Bellman.Core.Spaces;

namespace Bellman.Environments.Vector;

/// <summary>
/// A batch of independent copies of an environment stepped together, as Gymnasium's <c>VectorEnv</c> in
/// same-step autoreset mode. Every per-environment quantity is a span with one row per environment (row i
/// is environment i). When environment i's episode ends during <see cref="Step(ReadOnlySpan{int})"/>, it
/// is reset at once: row i of <see cref="Observations"/> holds the first observation of the new episode,
/// row i of <see cref="FinalObservations"/> the last observation of the ended one (to bootstrap from after
/// a truncation), and <see cref="EndedThisStep"/>[i] is true. The spans stay valid until the next call.
/// </summary>
public interface IVectorEnvironment : IDisposable
{
    /// <summary>The number of environments.</summary>
    int NumEnvs { get; }

    /// <summary>The observation space of one environment.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>The action space of one environment.</summary>
    Space SingleActionSpace { get; }

    /// <summary>The flat size of one observation (a row of <see cref="Observations"/>).</summary>
    int ObservationSize { get; }

    /// <summary>The flat size of one action (a row of the float actions).</summary>
    int ActionSize { get; }

    /// <summary>The current observations, <see cref="NumEnvs"/> × <see cref="ObservationSize"/>, row-major.</summary>
    ReadOnlySpan<float> Observations { get; }

    /// <summary>Row i: the last observation of the episode that environment i ended on the latest step (valid where <see cref="EndedThisStep"/>[i]).</summary>
    ReadOnlySpan<float> FinalObservations { get; }

    /// <summary>The rewards of the latest step.</summary>
    ReadOnlySpan<double> Rewards { get; }

    /// <summary>Whether the latest step reached a terminal state, per environment.</summary>
    ReadOnlySpan<bool> Terminated { get; }

    /// <summary>Whether the latest step cut the episode short (for example at a time limit), per environment.</summary>
    ReadOnlySpan<bool> Truncated { get; }

    /// <summary>Whether the latest step ended the episode (terminated or truncated) and the environment was reset, per environment.</summary>
    ReadOnlySpan<bool> EndedThisStep { get; }

    /// <summary>Row i: the undiscounted return of the episode that environment i ended on the latest step (valid where <see cref="EndedThisStep"/>[i]).</summary>
    ReadOnlySpan<double> FinalReturns { get; }

    /// <summary>Row i: the length of the episode that environment i ended on the latest step (valid where <see cref="EndedThisStep"/>[i]).</summary>
    ReadOnlySpan<int> FinalLengths { get; }

    /// <summary>The environments themselves, to read wrapper state between steps (do not step them directly).</summary>
    IReadOnlyList<Bellman.Core.Environments.IEnvironment> Environments { get; }

    /// <summary>
    /// Resets every environment and returns <see cref="Observations"/>. With a seed, environment i is reset
    /// with seed + i, as Gymnasium does; without one each continues its own generator.
    /// </summary>
    ReadOnlySpan<float> Reset(int? seed = null);

    /// <summary>Steps environment i with discrete action <paramref name="actions"/>[i] (length <see cref="NumEnvs"/>).</summary>
    void Step(ReadOnlySpan<int> actions);

    /// <summary>Steps environment i with row i of <paramref name="actions"/> (length <see cref="NumEnvs"/> × <see cref="ActionSize"/>).</summary>
    void Step(ReadOnlySpan<float> actions);
}
