using System.ComponentModel;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.ValueBased;
using Bellman.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman presets</c>: the built-in presets; with <c>--name</c>, every option of one preset.</summary>
public sealed class PresetsCommand(CliIO io) : Command<PresetsCommand.Settings>
{
    /// <summary>Settings of <c>presets</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>Show one preset in full.</summary>
        [CommandOption("--name <NAME>")]
        [Description("Show every option of this preset.")]
        public string? Name { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Name is not null)
        {
            var preset = DqnPresets.Find(settings.Name)
                ?? throw new CliException($"Unknown preset '{settings.Name}'; {Bellman.Core.Text.Suggestions.DidYouMean(settings.Name, DqnPresets.All.Select(p => p.Name))}");
            io.Out.WriteLine($"# dqn preset {preset.Name} for {preset.EnvId}: {preset.Description}");
            io.Out.Write(OptionBinder.ToYaml(preset.Options));
            return 0;
        }
        var table = new Table().AddColumns("algo", "preset", "env", "steps", "source");
        foreach (var p in DqnPresets.All)
            table.AddRow("dqn", Markup.Escape(p.Name), Markup.Escape(p.EnvId), p.Options.TotalSteps.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(p.Description));
        io.Console.Write(table);
        io.Out.WriteLine("Show one preset's options with `bellman presets --name NAME`; every key can be overridden with --set key=value.");
        return 0;
    }
}
