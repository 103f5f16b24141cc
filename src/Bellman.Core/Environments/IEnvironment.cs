namespace Bellman.Core.Environments;

using Bellman.Core.Spaces;

/// <summary>
/// A Markov decision process to interact with, with Gymnasium's semantics: <see cref="Reset"/> starts an
/// episode and <see cref="Step(int)"/> advances it. Observations are written into a buffer the
/// environment owns and exposed as <see cref="Observation"/>, valid until the next call; copy it to keep it.
/// </summary>
public interface IEnvironment
{
    /// <summary>The registration this environment was made from, or null for one built directly.</summary>
    EnvSpec? Spec { get; set; }

    /// <summary>A name for messages: the spec id when registered, else the type name.</summary>
    string Name => Spec?.Id ?? GetType().Name;

    /// <summary>The space of observations.</summary>
    Space ObservationSpace { get; }

    /// <summary>The space of actions.</summary>
    Space ActionSpace { get; }

    /// <summary>The latest observation, flattened to float32.</summary>
    ReadOnlySpan<float> Observation { get; }

    /// <summary>
    /// Starts a new episode and returns its first observation. A seed k reseeds the environment's own
    /// generator with NumPy's Generator(PCG64(SeedSequence(k))), as Gymnasium's <c>reset(seed=k)</c> does, so
    /// the episode is Gymnasium's for the same seed and actions; without one the generator continues, and
    /// is seeded from entropy on the very first reset, as Gymnasium does. A negative seed is an error.
    /// </summary>
    ReadOnlySpan<float> Reset(int? seed = null);

    /// <summary>Takes a discrete action. Throws <see cref="InvalidActionException"/> for an action outside the space.</summary>
    StepResult Step(int action);

    /// <summary>Takes an action given as a flat float vector (a Box action, or a Discrete action as one float).</summary>
    StepResult Step(ReadOnlySpan<float> action);

    /// <summary>A text rendering: the map for toy-text environments, a one-line state description otherwise.</summary>
    string Render();
}
