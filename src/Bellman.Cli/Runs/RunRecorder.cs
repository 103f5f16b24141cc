using System.Globalization;
using Bellman.Algorithms.Training;

namespace Bellman.Cli.Runs;

/// <summary>
/// Writes a run's metrics as it trains: <c>metrics.csv</c> (one row per episode and one per snapshot,
/// with the algorithm's own keyed columns and without wall-clock columns, so that the same seed and
/// configuration give the same file bit for bit), and <c>eval.csv</c>; forwards snapshots and
/// evaluations to the caller (progress display, checkpoints).
/// </summary>
public sealed class RunRecorder : IMetricsSink, IDisposable
{
    /// <summary>The columns of metrics.csv before the algorithm's own.</summary>
    public const string MetricsHeaderStart = "kind,step,episode,return,length,updates";

    /// <summary>The header of eval.csv.</summary>
    public const string EvalHeader = "step,mean_return,std_return,episodes,returns";

    private readonly StreamWriter _metrics;
    private readonly StreamWriter _eval;
    private readonly string _emptyMetrics;
    private readonly Action<TrainingSnapshot>? _onSnapshot;
    private readonly Action<EvaluationRecord>? _onEvaluation;

    /// <summary>Opens (or, when resuming, appends to) the CSV files in <paramref name="folder"/>, with a column per metric.</summary>
    public RunRecorder(string folder, bool append, IReadOnlyList<MetricDefinition> metrics, Action<TrainingSnapshot>? onSnapshot = null, Action<EvaluationRecord>? onEvaluation = null)
    {
        _metrics = Open(Path.Combine(folder, "metrics.csv"), MetricsHeader(metrics), append);
        _eval = Open(Path.Combine(folder, "eval.csv"), EvalHeader, append);
        _emptyMetrics = new string(',', metrics.Count);
        _onSnapshot = onSnapshot;
        _onEvaluation = onEvaluation;
    }

    /// <summary>The header of metrics.csv for an algorithm with <paramref name="metrics"/>.</summary>
    public static string MetricsHeader(IReadOnlyList<MetricDefinition> metrics) =>
        MetricsHeaderStart + string.Concat(metrics.Select(m => "," + m.Key));

    /// <summary>Returns of every episode recorded in this session.</summary>
    public List<(long Step, double Return)> Episodes { get; } = [];

    /// <summary>Evaluations recorded in this session.</summary>
    public List<EvaluationRecord> Evaluations { get; } = [];

    /// <inheritdoc/>
    public void OnEpisode(in EpisodeRecord e)
    {
        Episodes.Add((e.Step, e.Return));
        _metrics.Write(string.Create(CultureInfo.InvariantCulture, $"episode,{e.Step},{e.Episode},{R(e.Return)},{e.Length},{_emptyMetrics}\n"));
    }

    /// <inheritdoc/>
    public void OnSnapshot(TrainingSnapshot s)
    {
        _metrics.Write(string.Create(CultureInfo.InvariantCulture,
            $"snapshot,{s.Step},{s.Episodes},{R(s.MeanReturn)},,{s.Updates}{string.Concat(s.Values.Select(v => "," + R(v)))}\n"));
        _metrics.Flush();
        _onSnapshot?.Invoke(s);
    }

    /// <inheritdoc/>
    public void OnEvaluation(EvaluationRecord e)
    {
        Evaluations.Add(e);
        _eval.Write(string.Create(CultureInfo.InvariantCulture,
            $"{e.Step},{R(e.MeanReturn)},{R(e.StdReturn)},{e.Returns.Count},{string.Join(';', e.Returns.Select(R))}\n"));
        _eval.Flush();
        _onEvaluation?.Invoke(e);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _metrics.Dispose();
        _eval.Dispose();
    }

    private static string R(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static StreamWriter Open(string path, string header, bool append)
    {
        bool exists = append && File.Exists(path);
        var writer = new StreamWriter(path, append: exists) { NewLine = "\n" };
        if (!exists) writer.Write(header + "\n");
        return writer;
    }
}
