using System.ComponentModel;
using System.Globalization;
using Bellman.Cli.Infrastructure;
using ScottPlot;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman backgammon plot RUN...</c>: strength over training of TD-Gammon runs, read from the
/// evaluations in their metrics.csv (win rate against random and pubeval after each block of games), as one PNG.
/// </summary>
public sealed class BackgammonPlotCommand(CliIO io) : Command<BackgammonPlotCommand.Settings>
{
    /// <summary>Settings of <c>backgammon plot</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Run folders.</summary>
        [CommandArgument(0, "<RUN>")]
        [Description("TD-Gammon run folders (written by 'bellman train td-gammon').")]
        public string[] Runs { get; init; } = [];

        /// <summary>The output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("The PNG to write (default td-gammon-strength.png).")]
        public string Out { get; init; } = "td-gammon-strength.png";

        /// <summary>The title.</summary>
        [CommandOption("--title <TEXT>")]
        [Description("The plot's title.")]
        public string Title { get; init; } = "TD-Gammon strength over self-play training";
    }

    /// <summary>One run's evaluations: games trained and the win rates against random and pubeval.</summary>
    internal sealed record Strength(string Label, double[] Games, double[] VsRandom, double[] VsPubeval);

    /// <summary>Reads the evaluation rows of a run's metrics.csv (rows evaluated with 0 games are skipped).</summary>
    internal static Strength Read(string run)
    {
        string metrics = Path.Combine(run, "metrics.csv");
        if (!File.Exists(metrics)) throw new CliException($"'{run}' is not a TD-Gammon run folder: it has no metrics.csv.");
        var header = (File.ReadLines(metrics).FirstOrDefault() ?? "").Split(',');
        int games = Array.IndexOf(header, "games"), random = Array.IndexOf(header, "win_rate_random"), pubeval = Array.IndexOf(header, "win_rate_pubeval");
        if (games < 0 || random < 0 || pubeval < 0)
            throw new CliException($"'{metrics}' has no games, win_rate_random and win_rate_pubeval columns: is '{run}' a 'train td-gammon' run?");
        List<double> g = [], r = [], p = [];
        foreach (string line in File.ReadLines(metrics).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < header.Length || f[random].Length == 0) continue;
            g.Add(double.Parse(f[games], CultureInfo.InvariantCulture));
            r.Add(100 * double.Parse(f[random], CultureInfo.InvariantCulture));
            p.Add(100 * double.Parse(f[pubeval], CultureInfo.InvariantCulture));
        }
        return new Strength(Path.GetFileName(Path.GetFullPath(run).TrimEnd('/')), [.. g], [.. r], [.. p]);
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Runs.Length == 0) throw new CliException("Give at least one run folder.");
        var runs = settings.Runs.Select(Read).ToList();
        var plot = new Plot();
        plot.Title(settings.Title);
        plot.XLabel("self-play games");
        plot.YLabel("win rate, %");
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var color = palette.GetColor(i);
            var random = plot.Add.Scatter(run.Games, run.VsRandom);
            random.Color = color;
            random.LinePattern = LinePattern.Dashed;
            random.LegendText = $"{run.Label} vs random";
            var pubeval = plot.Add.Scatter(run.Games, run.VsPubeval);
            pubeval.Color = color;
            pubeval.LineWidth = 2;
            pubeval.LegendText = $"{run.Label} vs pubeval";
        }
        var even = plot.Add.HorizontalLine(50);
        even.Color = Colors.Gray;
        even.LinePattern = LinePattern.Dotted;
        plot.Axes.SetLimitsY(0, 100);
        plot.ShowLegend(Alignment.LowerRight);
        OutputFile.Write(settings.Out, plot.GetImageBytes(900, 540, ImageFormat.Png));
        io.Out.WriteLine($"wrote {Path.GetFullPath(settings.Out)} ({runs.Count} run{(runs.Count == 1 ? "" : "s")}, {runs.Sum(r => r.Games.Length)} evaluations)");
        return 0;
    }
}
