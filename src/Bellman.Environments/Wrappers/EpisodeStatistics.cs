using Bellman.Core.Environments;
using Bellman.Core.State;

namespace Bellman.Environments.Wrappers;

/// <summary>The undiscounted return G = Σ r_t and the number of steps of one finished episode.</summary>
/// <param name="Return">The sum of the rewards of the episode.</param>
/// <param name="Length">The number of steps of the episode.</param>
public readonly record struct EpisodeStats(double Return, int Length);

/// <summary>
/// Records the return and length of each episode, as Gymnasium's <c>RecordEpisodeStatistics</c>, but as
/// typed properties instead of an <c>info["episode"]</c> entry: after a step that ends an episode
/// (terminated or truncated) <see cref="EpisodeEnded"/> is true and <see cref="LastEpisode"/> holds it.
/// Place it inside reward-changing wrappers (such as <see cref="NormalizeReward"/>) to record raw returns.
/// </summary>
public sealed class EpisodeStatistics : Wrapper
{
    /// <summary>Records the episodes of <paramref name="env"/>.</summary>
    public EpisodeStatistics(IEnvironment env) : base(env) { }

    /// <summary>The sum of the rewards of the running episode so far.</summary>
    public double EpisodeReturn { get; private set; }

    /// <summary>The number of steps of the running episode so far.</summary>
    public int EpisodeLength { get; private set; }

    /// <summary>The most recently finished episode, or null before the first one ends.</summary>
    public EpisodeStats? LastEpisode { get; private set; }

    /// <summary>True when the latest step ended an episode (so <see cref="LastEpisode"/> is that episode).</summary>
    public bool EpisodeEnded { get; private set; }

    /// <summary>The number of episodes finished since this wrapper was created.</summary>
    public int EpisodeCount { get; private set; }

    /// <inheritdoc/>
    protected override ReadOnlySpan<float> OnReset(ReadOnlySpan<float> obs)
    {
        EpisodeReturn = 0;
        EpisodeLength = 0;
        EpisodeEnded = false;
        return obs;
    }

    /// <inheritdoc/>
    public override StepResult Step(int action) => Record(Inner.Step(action));

    /// <inheritdoc/>
    public override StepResult Step(ReadOnlySpan<float> action) => Record(Inner.Step(action));

    /// <inheritdoc/>
    protected override void WriteOwnState(BinaryWriter writer)
    {
        writer.Write(EpisodeReturn);
        writer.Write(EpisodeLength);
        writer.Write(LastEpisode is not null);
        writer.Write(LastEpisode?.Return ?? 0);
        writer.Write(LastEpisode?.Length ?? 0);
        writer.Write(EpisodeEnded);
        writer.Write(EpisodeCount);
    }

    /// <inheritdoc/>
    protected override void ReadOwnState(BinaryReader reader)
    {
        EpisodeReturn = reader.ReadDouble();
        EpisodeLength = reader.ReadInt32();
        bool hasLast = reader.ReadBoolean();
        double lastReturn = reader.ReadDouble();
        int lastLength = reader.ReadInt32();
        LastEpisode = hasLast ? new EpisodeStats(lastReturn, lastLength) : null;
        EpisodeEnded = reader.ReadBoolean();
        EpisodeCount = reader.ReadInt32();
    }

    private StepResult Record(StepResult result)
    {
        EpisodeReturn += result.Reward;
        EpisodeLength++;
        EpisodeEnded = result.NeedsReset;
        if (EpisodeEnded)
        {
            LastEpisode = new EpisodeStats(EpisodeReturn, EpisodeLength);
            EpisodeCount++;
        }
        return result;
    }
}
