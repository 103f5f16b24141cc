using System.ComponentModel;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman plot RUN...</c>: overlays the learning curves of runs in one PNG.</summary>
public sealed class PlotCommand(CliIO io) : Command<PlotCommand.Settings>
{
    /// <summary>Settings of <c>plot</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Run folders.</summary>
        [CommandArgument(0, "<RUN>")]
        [Description("Run folders to overlay.")]
        public string[] Runs { get; init; } = [];

        /// <summary>The output file.</summary>
        [CommandOption("--out <FILE>")]
        [Description("The PNG to write (default curves.png).")]
        public string Out { get; init; } = "curves.png";

        /// <summary>The title.</summary>
        [CommandOption("--title <TEXT>")]
        [Description("The plot's title.")]
        public string Title { get; init; } = "learning curves";
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Runs.Length == 0) throw new CliException("Give at least one run folder.");
        var curves = settings.Runs.Select(r => Plotter.Read(r)).ToList();
        Plotter.Save(curves, settings.Out, settings.Title, showEpisodes: curves.Count == 1);
        io.Out.WriteLine($"wrote {Path.GetFullPath(settings.Out)} ({curves.Count} run{(curves.Count == 1 ? "" : "s")})");
        return 0;
    }
}
