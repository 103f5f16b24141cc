using System.ComponentModel;
using System.Globalization;
using Bellman.Algorithms;
using Bellman.Algorithms.Configuration;
using Bellman.Cli.Infrastructure;
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

        /// <summary>Restrict to one environment.</summary>
        [CommandOption("--env <ID>")]
        [Description("Only presets for this environment (e.g. CartPole-v1).")]
        public string? Env { get; init; }

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
                var preset = algo.FindPreset(settings.Name);
                if (preset is null) continue;
                io.Out.WriteLine($"# {algo.Name} preset {preset.Name} for {preset.EnvId}: {preset.Description}");
                io.Out.Write(OptionBinder.ToYaml(preset.Options));
                return 0;
            }
            throw new CliException($"Unknown preset '{settings.Name}'; {Suggestions.DidYouMean(settings.Name, algorithms.SelectMany(a => a.Presets.Select(p => p.Name)).Distinct())}");
        }
        if (settings.Env is not null && !Environments.EnvRegistry.Default.Contains(settings.Env))
            throw new CliException($"Unknown environment '{settings.Env}'; {Suggestions.DidYouMean(settings.Env, Environments.EnvRegistry.Default.Ids)}");
        var table = new Table().AddColumns("algo", "preset", "env", "steps", "source");
        int rows = 0;
        foreach (var algo in algorithms)
            foreach (var p in algo.Presets.Where(p => settings.Env is null || p.EnvId == settings.Env))
            {
                table.AddRow(algo.Name, Markup.Escape(p.Name), Markup.Escape(p.EnvId), p.Options.TotalSteps.ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Description));
                rows++;
            }
        if (rows == 0)
        {
            io.Out.WriteLine($"No built-in presets for {settings.Env}; training there starts from each algorithm's defaults (`bellman options ALGO`).");
            return 0;
        }
        io.Console.Write(table);
        io.Out.WriteLine("Show one preset's options with `bellman presets --name NAME`; every key can be overridden with --set key=value.");
        return 0;
    }
}
