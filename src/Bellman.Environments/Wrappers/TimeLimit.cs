using Bellman.Core.Environments;
using Bellman.Core.State;

namespace Bellman.Environments.Wrappers;

/// <summary>
/// Cuts episodes at <see cref="MaxEpisodeSteps"/> steps, as Gymnasium's <c>TimeLimit</c>: the step that
/// brings the count t to the limit returns <c>Truncated = true</c>, even when the same step also
/// terminates (exactly as Gymnasium: learners must give <c>Terminated</c> precedence and not bootstrap).
/// Stepping after the episode ended, without a reset, throws <see cref="EpisodeEndedException"/>.
/// </summary>
public sealed class TimeLimit : Wrapper
{
    private bool _ended;
    private bool _terminated;

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
    protected override ReadOnlySpan<float> OnReset(ReadOnlySpan<float> obs)
    {
        ElapsedSteps = 0;
        _ended = false;
        _terminated = false;
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

    /// <inheritdoc/>
    protected override void WriteOwnState(BinaryWriter writer)
    {
        writer.Write(ElapsedSteps);
        writer.Write(_ended);
        writer.Write(_terminated);
    }

    /// <inheritdoc/>
    protected override void ReadOwnState(BinaryReader reader)
    {
        int elapsed = reader.ReadInt32();
        if (elapsed < 0 || elapsed > MaxEpisodeSteps) throw new InvalidDataException($"{elapsed} elapsed steps under a time limit of {MaxEpisodeSteps}");
        ElapsedSteps = elapsed;
        _ended = reader.ReadBoolean();
        _terminated = reader.ReadBoolean();
    }

    private void EnsureNotEnded()
    {
        if (_ended)
            throw new EpisodeEndedException(_terminated
                ? $"{Name}: the episode terminated after {ElapsedSteps} steps; call Reset before stepping again."
                : $"{Name}: the episode was truncated at the time limit of {MaxEpisodeSteps} steps; call Reset before stepping again.");
    }

    private StepResult Count(StepResult result)
    {
        ElapsedSteps++;
        if (ElapsedSteps >= MaxEpisodeSteps) result = result with { Truncated = true };
        _ended = result.NeedsReset;
        _terminated = result.Terminated;
        return result;
    }
}
