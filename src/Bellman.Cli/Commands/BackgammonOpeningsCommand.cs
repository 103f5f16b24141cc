using System.ComponentModel;
using System.Runtime.InteropServices;
using Bellman.Backgammon;
using Bellman.Backgammon.Agents;
using Bellman.Backgammon.Gnubg;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman backgammon openings</c>: the play an agent chooses for each of the 15 opening rolls, next to
/// gnubg's choice when gnubg is installed (the lecture's slide: TD-Gammon changed how experts play 4-1).
/// </summary>
public sealed class BackgammonOpeningsCommand(CliIO io) : Command<BackgammonOpeningsCommand.Settings>
{
    /// <summary>Settings of <c>backgammon openings</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The agent.</summary>
        [CommandOption("--agent <RUN>")]
        [Description("A td-gammon run folder or checkpoint (or pubeval, pipcount).")]
        public string? Agent { get; init; }

        /// <summary>gnubg's level for the comparison column.</summary>
        [CommandOption("--gnubg <LEVEL>")]
        [Description("gnubg level for the comparison column (default worldclass; 'none' to leave it out).")]
        public string Gnubg { get; init; } = "worldclass";
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Agent)) throw new CliException("Give --agent <RUN>.");
        using var scope = new BackgammonMatchCommand.AgentScope();
        var agent = BackgammonMatchCommand.ParseAgent(settings.Agent, "--agent", new Rng(0UL), scope);
        GnubgPlayer? gnubg = null;
        if (!settings.Gnubg.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (GnubgPlayer.Locate() is null) io.Error.WriteLine("note: gnubg is not installed (apt-get install gnubg); its column is left out.");
            else
            {
                gnubg = GnubgOpponentFactory.Create(settings.Gnubg);
                scope.Items.Add(gnubg);
            }
        }
        var generator = new MoveGenerator();
        var start = Position.Start;
        io.Out.WriteLine(gnubg is null ? $"roll  {agent.Name}" : $"roll  {agent.Name,-24}  {gnubg.Name}");
        for (int high = 2; high <= 6; high++)
        {
            for (int low = 1; low < high; low++)
            {
                var plays = generator.Generate(start, high, low);
                var span = CollectionsMarshal.AsSpan(plays);
                string mine = MoveNotation.Format(start, plays[agent.Choose(start, high, low, span)]);
                string line = $"{high}-{low}   {mine,-24}";
                if (gnubg is not null)
                {
                    string theirs = MoveNotation.Format(start, plays[gnubg.Choose(start, high, low, span)]);
                    line += $"  {theirs}{(theirs == mine ? "" : "   (differs)")}";
                }
                io.Out.WriteLine(line.TrimEnd());
            }
        }
        return 0;
    }
}
