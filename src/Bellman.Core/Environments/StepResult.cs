namespace Bellman.Core.Environments;

/// <summary>
/// What one <see cref="IEnvironment.Step(int)"/> returns besides the observation: the reward and the two
/// distinct end-of-episode signals of Gymnasium. <see cref="Terminated"/> means the MDP reached a terminal
/// state (no bootstrapping past it); <see cref="Truncated"/> means the episode was cut short, for example
/// by a time limit, and the value of the final state still counts.
/// </summary>
/// <param name="Reward">The reward r(s, a).</param>
/// <param name="Terminated">The new state is terminal.</param>
/// <param name="Truncated">The episode was cut short in a non-terminal state.</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    /// <summary>
    /// Whether the caller must reset before stepping again. Only for deciding when to reset: a learner
    /// must look at <see cref="Terminated"/> and <see cref="Truncated"/> separately.
    /// </summary>
    public bool NeedsReset => Terminated || Truncated;
}
