using System.ComponentModel;
using System.Globalization;
using Bellman.Cli.Infrastructure;
using Bellman.Cli.Runs;
using Bellman.Core.Text;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman presets</c>: the built-in presets of every algorithm; with <c>--name</c>, every option of one preset.</summary>
public sealed class PresetsCommand(CliIO io) : Command<PresetsCommand.Settings>
{
    /// <summary>Settings of <c>presets</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Show one preset in full.</summary>
        [CommandOption("--name <NAME>")]
        [Description("Show every option of this preset.")]
        public string? Name { get; init; }

        /// <summary>Restrict to one algorithm.</summary>
        [CommandOption("--algo <ALGO>")]
        [Description("Only this algorithm's presets (e.g. dqn).")]
        public string? Algo { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var algorithms = AlgorithmCatalog.All.Where(a => settings.Algo is null || a.Name == settings.Algo).ToList();
        if (algorithms.Count == 0)
            throw new CliException($"Unknown algorithm '{settings.Algo}'; {Suggestions.DidYouMean(settings.Algo!, AlgorithmCatalog.All.Select(a => a.Name))}");
        if (settings.Name is not null)
        {
            foreach (var algo in algorithms)
            {
                var summary = algo.PresetSummaries.FirstOrDefault(p => string.Equals(p.Name, settings.Name, StringComparison.OrdinalIgnoreCase));
                if (summary.Name is null) continue;
                io.Out.WriteLine($"# {algo.Name} preset {summary.Name} for {summary.EnvId}: {summary.Description}");
                io.Out.Write(algo.PresetYaml(summary.Name));
                return 0;
            }
            throw new CliException($"Unknown preset '{settings.Name}'; {Suggestions.DidYouMean(settings.Name, algorithms.SelectMany(a => a.PresetSummaries.Select(p => p.Name)))}");
        }
        var table = new Table().AddColumns("algo", "preset", "env", "steps", "source");
        foreach (var algo in algorithms)
            foreach (var p in algo.PresetSummaries)
                table.AddRow(algo.Name, Markup.Escape(p.Name), Markup.Escape(p.EnvId), p.TotalSteps.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Description));
        io.Console.Write(table);
        io.Out.WriteLine("Show one preset's options with `bellman presets --name NAME`; every key can be overridden with --set key=value.");
        return 0;
    }
}
