using System.Globalization;
using Bellman.Cli.Infrastructure;
using Bellman.Environments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary><c>bellman envs</c>: a table of the registered environments.</summary>
public sealed class EnvsCommand(CliIO io) : Command
{
    /// <inheritdoc/>
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("id", "observation space", "action space", "time limit", "reward threshold");
        foreach (var spec in EnvRegistry.Default.Specs)
        {
            var env = EnvRegistry.Default.Make(spec.Id);
            table.AddRow(
                Markup.Escape(spec.Id),
                Markup.Escape(env.ObservationSpace.ToString()!),
                Markup.Escape(env.ActionSpace.ToString()!),
                spec.MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "-",
                (spec.RewardThreshold is double threshold ? Format.Short(threshold) : null) ?? "-");
        }
        io.Console.Write(table);
        return 0;
    }
}
