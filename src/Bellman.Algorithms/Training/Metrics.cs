namespace Bellman.Algorithms.Training;

/// <summary>A finished training episode.</summary>
/// <param name="Step">Environment steps so far when it ended.</param>
/// <param name="Episode">The episode's number (1-based, over all environments).</param>
/// <param name="Return">The undiscounted return.</param>
/// <param name="Length">The number of steps.</param>
public readonly record struct EpisodeRecord(long Step, long Episode, double Return, int Length);

/// <summary>A periodic snapshot of training.</summary>
/// <param name="Step">Environment steps so far.</param>
/// <param name="TotalSteps">The step budget.</param>
/// <param name="Episodes">Episodes finished.</param>
/// <param name="MeanReturn">The mean return of the last 100 episodes (NaN before the first).</param>
/// <param name="Exploration">ε, temperature or noise scale.</param>
/// <param name="Loss">The mean loss since the last snapshot (NaN if no update).</param>
/// <param name="MeanQ">The mean Q(s, a) since the last snapshot (NaN if no update).</param>
/// <param name="Updates">Gradient steps so far.</param>
/// <param name="StepsPerSecond">Environment steps per second since the start (or resume).</param>
/// <param name="Elapsed">Wall time since the start (or resume).</param>
public readonly record struct TrainingSnapshot(long Step, long TotalSteps, long Episodes, double MeanReturn, double Exploration,
    double Loss, double MeanQ, long Updates, double StepsPerSecond, TimeSpan Elapsed);

/// <summary>A greedy evaluation.</summary>
/// <param name="Step">Environment steps so far.</param>
/// <param name="MeanReturn">The mean return over the episodes.</param>
/// <param name="StdReturn">The population standard deviation of the returns.</param>
/// <param name="Returns">Every episode's return.</param>
public sealed record EvaluationRecord(long Step, double MeanReturn, double StdReturn, IReadOnlyList<double> Returns);

/// <summary>Where a trainer reports; the CLI writes CSV files, progress bars and checkpoints from these calls.</summary>
public interface IMetricsSink
{
    /// <summary>An episode finished.</summary>
    void OnEpisode(in EpisodeRecord episode);

    /// <summary>A periodic snapshot (every log interval).</summary>
    void OnSnapshot(in TrainingSnapshot snapshot);

    /// <summary>An evaluation finished.</summary>
    void OnEvaluation(EvaluationRecord evaluation);
}

/// <summary>A sink that discards everything.</summary>
public sealed class NullMetricsSink : IMetricsSink
{
    /// <summary>The shared instance.</summary>
    public static NullMetricsSink Instance { get; } = new();

    /// <inheritdoc/>
    public void OnEpisode(in EpisodeRecord episode) { }

    /// <inheritdoc/>
    public void OnSnapshot(in TrainingSnapshot snapshot) { }

    /// <inheritdoc/>
    public void OnEvaluation(EvaluationRecord evaluation) { }
}

/// <summary>Training produced a non-finite loss or gradient; the run stops and keeps its last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
