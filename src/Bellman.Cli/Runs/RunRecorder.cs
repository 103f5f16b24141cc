using System.Globalization;
using Bellman.Algorithms.Training;

namespace Bellman.Cli.Runs;

/// <summary>
/// Writes a run's metrics as it trains: <c>metrics.csv</c> (one row per episode and one per snapshot,
/// with the algorithm's own keyed columns and without wall-clock columns, so that the same seed and
/// configuration give the same file bit for bit), and <c>eval.csv</c>; forwards snapshots and
/// evaluations to the caller (progress display, checkpoints). Everything recorded up to an evaluation is
/// flushed before the caller hears of it (and saves its checkpoint), and a resumed run first drops the rows
/// written after its checkpoint (a run killed between two checkpoints), so that the files never repeat a step.
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

    /// <summary>
    /// Opens (or, when resuming, appends to) the CSV files in <paramref name="folder"/>, with a column per metric.
    /// When resuming from a checkpoint at step <paramref name="resumeStep"/>, rows of later steps are dropped first
    /// (the files are rewritten to a temporary name and renamed).
    /// </summary>
    public RunRecorder(string folder, bool append, IReadOnlyList<MetricDefinition> metrics, Action<TrainingSnapshot>? onSnapshot = null, Action<EvaluationRecord>? onEvaluation = null,
        long? resumeStep = null)
    {
        string metricsPath = Path.Combine(folder, "metrics.csv"), evalPath = Path.Combine(folder, "eval.csv");
        if (append && resumeStep is long at)
        {
            DropRowsAfter(metricsPath, stepColumn: 1, at);
            DropRowsAfter(evalPath, stepColumn: 0, at);
        }
        _metrics = Open(metricsPath, MetricsHeader(metrics), append);
        _eval = Open(evalPath, EvalHeader, append);
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
        _metrics.Flush();
        _onEvaluation?.Invoke(e);
    }

    /// <summary>Writes out everything recorded so far (before a checkpoint is saved).</summary>
    public void Flush()
    {
        _metrics.Flush();
        _eval.Flush();
    }

    /// <summary>
    /// Keeps the header and the rows of <paramref name="path"/> whose step (column <paramref name="stepColumn"/>) is at
    /// most <paramref name="step"/>, and a row cut off by a crash is dropped too; rewrites the file atomically when
    /// anything is dropped.
    /// </summary>
    public static int DropRowsAfter(string path, int stepColumn, long step)
    {
        if (!File.Exists(path)) return 0;
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        var kept = new System.Text.StringBuilder();
        int dropped = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            bool last = i == lines.Length - 1;
            if (last && line.Length == 0) break;
            if (i == 0)
            {
                kept.Append(line).Append('\n');
                continue;
            }
            var cells = line.Split(',');
            // A last line without its newline was cut off mid-write.
            bool whole = !last && cells.Length > stepColumn && long.TryParse(cells[stepColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) && s <= step;
            if (whole) kept.Append(line).Append('\n');
            else dropped++;
        }
        if (dropped > 0) RunFolder.WriteAtomic(path, kept.ToString());
        return dropped;
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
