namespace Bellman.Algorithms.Training;

/// <summary>A finished training episode.</summary>
/// <param name="Step">Environment steps so far when it ended.</param>
/// <param name="Episode">The episode's number (1-based, over all environments).</param>
/// <param name="Return">The undiscounted return.</param>
/// <param name="Length">The number of steps.</param>
public readonly record struct EpisodeRecord(long Step, long Episode, double Return, int Length);

/// <summary>How a metric is summarised between two snapshots.</summary>
public enum MetricAggregation
{
    /// <summary>The mean of the values recorded since the last snapshot (losses, values).</summary>
    Mean,
    /// <summary>The last value recorded (exploration rates, coefficients).</summary>
    Last,
}

/// <summary>A value an algorithm records (Stable-Baselines3's <c>logger.record</c>), a column of metrics.csv.</summary>
/// <param name="Key">The column name (<c>loss</c>, <c>q</c>, <c>policy_loss</c>, <c>alpha</c>).</param>
/// <param name="Label">How progress lines name it (<c>eps</c>, <c>Q</c>).</param>
/// <param name="Aggregation">Mean since the last snapshot, or the last value.</param>
public sealed record MetricDefinition(string Key, string Label, MetricAggregation Aggregation = MetricAggregation.Mean);

/// <summary>
/// The keyed values an algorithm records while it trains. Keys are declared once (each algorithm's
/// <c>Metrics</c>); <see cref="Add"/> and <see cref="Set"/> by key; a snapshot takes the means (or last
/// values) and starts over. A non-finite value of a <see cref="MetricAggregation.Mean"/> metric (a loss,
/// a value estimate) marks the run as diverged.
/// </summary>
public sealed class UpdateMetrics
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly double[] _sum;
    private readonly int[] _count;
    private readonly double[] _last;

    /// <summary>Prepares the accumulators for <paramref name="definitions"/>.</summary>
    public UpdateMetrics(IReadOnlyList<MetricDefinition> definitions)
    {
        Definitions = definitions;
        for (int i = 0; i < definitions.Count; i++)
            if (!_index.TryAdd(definitions[i].Key, i)) throw new ArgumentException($"Metric '{definitions[i].Key}' is declared twice.", nameof(definitions));
        _sum = new double[definitions.Count];
        _count = new int[definitions.Count];
        _last = new double[definitions.Count];
        Array.Fill(_last, double.NaN);
    }

    /// <summary>The declared metrics, in column order.</summary>
    public IReadOnlyList<MetricDefinition> Definitions { get; }

    /// <summary>The first non-finite value recorded since the last check (key and value), or null.</summary>
    public (string Key, double Value)? NonFinite { get; private set; }

    /// <summary>Adds a value to a metric's mean (or sets it, for a <see cref="MetricAggregation.Last"/> metric).</summary>
    public void Add(string key, double value)
    {
        int i = IndexOf(key);
        if (Definitions[i].Aggregation == MetricAggregation.Last)
        {
            _last[i] = value;
            return;
        }
        if (!double.IsFinite(value) && NonFinite is null) NonFinite = (key, value);
        _sum[i] += value;
        _count[i]++;
    }

    /// <summary>Sets a metric's current value (<see cref="MetricAggregation.Last"/>).</summary>
    public void Set(string key, double value) => _last[IndexOf(key)] = value;

    /// <summary>The values to report (means since the last snapshot, NaN where nothing was recorded), then starts the means over.</summary>
    public double[] TakeSnapshot()
    {
        var values = new double[_sum.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Definitions[i].Aggregation == MetricAggregation.Last ? _last[i] : _count[i] > 0 ? _sum[i] / _count[i] : double.NaN;
            _sum[i] = 0;
            _count[i] = 0;
        }
        return values;
    }

    /// <summary>Writes the accumulators (sums and counts since the last snapshot, last values) for a checkpoint.</summary>
    public void WriteState(BinaryWriter writer)
    {
        Bellman.Core.State.StateIO.WriteSpan(writer, _sum);
        Bellman.Core.State.StateIO.WriteSpan(writer, _count);
        Bellman.Core.State.StateIO.WriteSpan(writer, _last);
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote.</summary>
    public void ReadState(BinaryReader reader)
    {
        Bellman.Core.State.StateIO.ReadInto(reader, _sum);
        Bellman.Core.State.StateIO.ReadInto(reader, _count);
        Bellman.Core.State.StateIO.ReadInto(reader, _last);
    }

    /// <summary>Forgets a recorded non-finite value.</summary>
    internal void ClearNonFinite() => NonFinite = null;

    private int IndexOf(string key) => _index.TryGetValue(key, out int i) ? i
        : throw new ArgumentException($"Metric '{key}' was not declared; declared: {string.Join(", ", _index.Keys)}.", nameof(key));
}

/// <summary>A periodic snapshot of training.</summary>
/// <param name="Step">Environment steps so far.</param>
/// <param name="TotalSteps">The step budget of the current <c>Learn</c> call.</param>
/// <param name="Episodes">Episodes finished.</param>
/// <param name="MeanReturn">The mean return of the last <see cref="ReturnWindow"/> episodes (NaN before the first).</param>
/// <param name="Updates">Gradient steps so far.</param>
/// <param name="StepsPerSecond">Environment steps per second since the start (or resume).</param>
/// <param name="Elapsed">Wall time since the start (or resume).</param>
/// <param name="Metrics">The algorithm's metrics, in the order of <paramref name="Values"/>.</param>
/// <param name="Values">Their values (NaN where nothing was recorded).</param>
public sealed record TrainingSnapshot(long Step, long TotalSteps, long Episodes, double MeanReturn, long Updates, double StepsPerSecond, TimeSpan Elapsed,
    IReadOnlyList<MetricDefinition> Metrics, IReadOnlyList<double> Values)
{
    /// <summary>
    /// The episodes <see cref="MeanReturn"/> averages over, the one window of the library and the CLI: the
    /// training loops' mean, the console's "mean return(100)", TensorBoard's rollout/ep_rew_mean and the plot's curve.
    /// </summary>
    public const int ReturnWindow = 100;

    /// <summary>The value of metric <paramref name="key"/>, or NaN when the algorithm has no such metric.</summary>
    public double this[string key]
    {
        get
        {
            for (int i = 0; i < Metrics.Count; i++) if (Metrics[i].Key == key) return Values[i];
            return double.NaN;
        }
    }
}

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
    void OnSnapshot(TrainingSnapshot snapshot);

    /// <summary>An evaluation finished.</summary>
    void OnEvaluation(EvaluationRecord evaluation);
}

/// <summary>Several sinks as one: every report goes to each, in order (CSV files and TensorBoard, say).</summary>
public sealed class CompositeMetricsSink(params IMetricsSink[] sinks) : IMetricsSink
{
    /// <inheritdoc/>
    public void OnEpisode(in EpisodeRecord episode)
    {
        foreach (var sink in sinks) sink.OnEpisode(episode);
    }

    /// <inheritdoc/>
    public void OnSnapshot(TrainingSnapshot snapshot)
    {
        foreach (var sink in sinks) sink.OnSnapshot(snapshot);
    }

    /// <inheritdoc/>
    public void OnEvaluation(EvaluationRecord evaluation)
    {
        foreach (var sink in sinks) sink.OnEvaluation(evaluation);
    }
}

/// <summary>A sink that discards everything.</summary>
public sealed class NullMetricsSink : IMetricsSink
{
    /// <summary>The shared instance.</summary>
    public static NullMetricsSink Instance { get; } = new();

    /// <inheritdoc/>
    public void OnEpisode(in EpisodeRecord episode) { }

    /// <inheritdoc/>
    public void OnSnapshot(TrainingSnapshot snapshot) { }

    /// <inheritdoc/>
    public void OnEvaluation(EvaluationRecord evaluation) { }
}

/// <summary>Training produced a non-finite loss or gradient; the run stops and keeps its last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
