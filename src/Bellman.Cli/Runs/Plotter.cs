using System.Globalization;
using ScottPlot;

namespace Bellman.Cli.Runs;

/// <summary>Learning-curve plots (ScottPlot, PNG) read from run folders' CSV files.</summary>
public static class Plotter
{
    /// <summary>One run's curves: episode returns, their rolling mean, and evaluation means.</summary>
    public sealed record Curves(string Label, double[] EpisodeSteps, double[] EpisodeReturns, double[] EvalSteps, double[] EvalMeans);

    /// <summary>
    /// The episodes the training curve averages over: the library's window (<see cref="Algorithms.Training.TrainingSnapshot.ReturnWindow"/>),
    /// so that the console's "mean return(100)" and the curve are the same figure.
    /// </summary>
    public const int ReturnWindow = Algorithms.Training.TrainingSnapshot.ReturnWindow;

    /// <summary>Reads metrics.csv and eval.csv of a run folder.</summary>
    public static Curves Read(string runFolder, string? label = null)
    {
        string metrics = Path.Combine(runFolder, "metrics.csv");
        if (!File.Exists(metrics)) throw new Infrastructure.CliException($"'{runFolder}' is not a run folder: it has no metrics.csv.");
        var folder = new RunFolder(runFolder);
        folder.RequireInside(metrics);
        var steps = new List<double>();
        var returns = new List<double>();
        // Columns by name: metrics.csv has the algorithm's own keyed columns after the common ones.
        var header = (File.ReadLines(metrics).FirstOrDefault() ?? "").Split(',');
        int kind = Array.IndexOf(header, "kind"), step = Array.IndexOf(header, "step"), ret = Array.IndexOf(header, "return");
        if (kind < 0 || step < 0 || ret < 0)
            throw new Infrastructure.CliException($"'{metrics}' has no kind, step and return columns (header: {string.Join(",", header)}).");
        int lineNumber = 1;
        foreach (string line in File.ReadLines(metrics).Skip(1))
        {
            lineNumber++;
            var f = line.Split(',');
            if (f.Length < header.Length || f[kind] != "episode") continue;
            steps.Add(Number(f[step], metrics, lineNumber, "step"));
            returns.Add(Number(f[ret], metrics, lineNumber, "return"));
        }
        var evalSteps = new List<double>();
        var evalMeans = new List<double>();
        string eval = Path.Combine(runFolder, "eval.csv");
        if (File.Exists(eval))
        {
            folder.RequireInside(eval);
            lineNumber = 1;
            foreach (string line in File.ReadLines(eval).Skip(1))
            {
                lineNumber++;
                var f = line.Split(',');
                if (f.Length < 2 || f[1].Length == 0) continue;
                evalSteps.Add(Number(f[0], eval, lineNumber, "step"));
                evalMeans.Add(Number(f[1], eval, lineNumber, "mean return"));
            }
        }
        return new Curves(label ?? Path.GetFileName(Path.GetFullPath(runFolder).TrimEnd('/')), [.. steps], [.. returns], [.. evalSteps], [.. evalMeans]);
    }

    private static double Number(string text, string file, int line, string column) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new Infrastructure.CliException($"'{file}' line {line}: {column} '{text}' is not a number.");

    /// <summary>The rolling mean over a window of <paramref name="window"/> values.</summary>
    public static double[] RollingMean(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }

    /// <summary>Writes a PNG with the curves of one or more runs; <paramref name="showEpisodes"/> adds raw episode returns.</summary>
    public static void Save(IReadOnlyList<Curves> runs, string path, string title, bool showEpisodes)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("environment steps");
        plot.YLabel("return");
        var palette = new ScottPlot.Palettes.Category10();
        for (int r = 0; r < runs.Count; r++)
        {
            var run = runs[r];
            var color = palette.GetColor(r);
            if (showEpisodes && run.EpisodeSteps.Length > 0)
            {
                var raw = plot.Add.ScatterPoints(run.EpisodeSteps, run.EpisodeReturns);
                raw.Color = color.WithAlpha(0.25);
                raw.MarkerSize = 2;
            }
            if (run.EpisodeSteps.Length > 0)
            {
                var mean = plot.Add.ScatterLine(run.EpisodeSteps, RollingMean(run.EpisodeReturns, ReturnWindow));
                mean.Color = color;
                mean.LineWidth = 2;
                mean.LegendText = $"{run.Label} (training, mean of the last {ReturnWindow} episodes)";
            }
            if (run.EvalSteps.Length > 0)
            {
                var eval = plot.Add.Scatter(run.EvalSteps, run.EvalMeans);
                eval.Color = color;
                eval.LinePattern = LinePattern.Dashed;
                eval.MarkerSize = 6;
                eval.LegendText = $"{run.Label} (greedy evaluation)";
            }
        }
        // Below the axes, outside the data area: a legend inside it always covers some curve.
        plot.ShowLegend(Edge.Bottom);
        Infrastructure.OutputFile.Write(path, plot.GetImageBytes(900, 580, ImageFormat.Png));
    }
}
