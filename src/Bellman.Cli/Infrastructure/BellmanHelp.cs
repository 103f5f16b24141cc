using Bellman.Algorithms;
using Bellman.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Bellman.Cli.Infrastructure;

/// <summary>
/// Spectre's help, plus a DEFAULTS section for <c>train ALGO</c>: the values the command applies when an option
/// is left out (the environment, the steps of that environment's preset, the seed), which differ per
/// algorithm and so cannot live in the options' shared descriptions.
/// </summary>
internal sealed class BellmanHelp(ICommandAppSettings settings) : HelpProvider(settings)
{
    /// <inheritdoc/>
    public override IEnumerable<IRenderable> GetDescription(ICommandModel model, ICommandInfo? command)
    {
        foreach (var r in base.GetDescription(model, command)) yield return r;
        if (command is null || command.IsBranch || command.Parent?.Name != "train" || AlgorithmCatalog.Find(command.Name) is not AlgorithmInfo spec) yield break;
        yield return new Markup("[yellow]DEFAULTS:[/]" + Environment.NewLine);
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(4).PadRight(2).NoWrap()).AddColumn();
        foreach (var (option, text) in TrainDefaults(spec)) grid.AddRow(new Text(option), new Text(text));
        yield return grid;
        yield return Text.NewLine;
    }

    /// <summary>What <c>train ALGO</c> uses for each option left out, as (option, sentence) rows.</summary>
    internal static IReadOnlyList<(string Option, string Text)> TrainDefaults(AlgorithmInfo spec)
    {
        string env = TrainCommand.DefaultEnv(spec);
        var envPresets = spec.Presets.Where(p => p.Name == p.EnvId).ToList();
        string stepsByEnv = string.Join("; ", envPresets.GroupBy(p => p.Options.TotalSteps)
            .Select(g => $"{g.Key} on {string.Join(", ", g.Select(p => p.EnvId))}"));
        string steps = envPresets.Count == 0
            ? $"{spec.Defaults.TotalSteps} (total_steps of {spec.Name}'s defaults)"
            : $"total_steps of the environment's preset: {stepsByEnv}; {spec.Defaults.TotalSteps} elsewhere";
        return
        [
            ("--env", env),
            ("--steps", steps),
            ("--preset", envPresets.Count == 0 ? $"none ({spec.Name}'s defaults)" : "the environment's own preset, when it has one"),
            ("--seed", "0"),
            ("--out", $"runs/{spec.Name}-ENV-sSEED"),
        ];
    }
}
