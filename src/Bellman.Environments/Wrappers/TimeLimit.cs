using Bellman.Core.Environments;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// Cuts episodes at <see cref="MaxEpisodeSteps"/> steps, as Gymnasium's <c>TimeLimit</c>: the step that
/// brings the count t to the limit returns <c>Truncated = true</c>. Unlike Gymnasium, a step that both
/// terminates and reaches the limit reports only <c>Terminated</c>, so <c>Truncated</c> always means
/// "cut short in a non-terminal state" (Stable-Baselines3 derives the same flag as
/// <c>truncated and not terminated</c>). Stepping after the episode ended, without a reset, throws
/// <see cref="EpisodeEndedException"/>.
/// </summary>
public sealed class TimeLimit : Wrapper
{
    private bool _ended;

    /// <summary>Limits episodes of <paramref name="env"/> to <paramref name="maxEpisodeSteps"/> steps.</summary>
    public TimeLimit(IEnvironment env, int maxEpisodeSteps) : base(env)
    {
        if (maxEpisodeSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, $"{env.Name}: the time limit must be a positive number of steps.");
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <summary>The number of steps after which an episode is truncated.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>The number of steps taken in the current episode.</summary>
    public int ElapsedSteps { get; private set; }

    /// <inheritdoc/>
    public override ReadOnlySpan<float> Reset(int? seed = null)
    {
        var obs = Inner.Reset(seed);
        ElapsedSteps = 0;
        _ended = false;
        return obs;
    }

    /// <inheritdoc/>
    public override StepResult Step(int action)
    {
        EnsureNotEnded();
        return Count(Inner.Step(action));
    }

    /// <inheritdoc/>
    public override StepResult Step(ReadOnlySpan<float> action)
    {
        EnsureNotEnded();
        return Count(Inner.Step(action));
    }

    private void EnsureNotEnded()
    {
        if (_ended)
            throw new EpisodeEndedException($"{Name}: the episode ended after {ElapsedSteps} steps (time limit {MaxEpisodeSteps}); call Reset before stepping again.");
    }

    private StepResult Count(StepResult result)
    {
        ElapsedSteps++;
        if (ElapsedSteps >= MaxEpisodeSteps && !result.Terminated) result = result with { Truncated = true };
        _ended = result.NeedsReset;
        return result;
    }
}
