using System.ComponentModel;
using System.Runtime.InteropServices;
using Bellman.Backgammon;
using Bellman.Backgammon.Agents;
using Bellman.Cli.Infrastructure;
using Bellman.Core.Random;
using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>
/// <c>bellman backgammon play</c>: a person (X) plays one game against an agent (O) in the terminal. The
/// board is drawn in text, plays are typed in gnubg's notation, and an illegal play is explained.
/// </summary>
public sealed class BackgammonPlayCommand(CliIO io) : Command<BackgammonPlayCommand.Settings>
{
    /// <summary>Settings of <c>backgammon play</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The agent.</summary>
        [CommandOption("--agent <RUN>")]
        [Description("A td-gammon run folder or checkpoint, or pubeval, pipcount, random, gnubg[[:LEVEL]].")]
        public string? Agent { get; init; }

        /// <summary>The seed of the dice.</summary>
        [CommandOption("--seed <N>")]
        [Description("Seed of the dice (default: a new game each time).")]
        public int? Seed { get; init; }

        /// <summary>Read the person's plays from a file.</summary>
        [CommandOption("--input <FILE>")]
        [Description("Read the plays from this file, one per line, instead of the terminal.")]
        public string? Input { get; init; }
    }

    /// <inheritdoc/>
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Agent)) throw new CliException("Give --agent <RUN> (or pubeval).");
        if (settings.Input is not null && !File.Exists(settings.Input)) throw new CliException($"--input '{settings.Input}' does not exist.");
        using var input = settings.Input is null ? Console.In : new StreamReader(settings.Input);
        using var scope = new BackgammonMatchCommand.AgentScope();
        var dice = settings.Seed is int s ? new Rng(s) : Rng.FromEntropy();
        var agent = BackgammonMatchCommand.ParseAgent(settings.Agent, "--agent", dice.Split(), scope);
        var generator = new MoveGenerator();
        var plays = new List<Play>();
        var (d1, d2) = Dice.RollOpening(dice);
        int onRoll = d1 > d2 ? 0 : 1; // the person rolled d1, the agent d2
        io.Out.WriteLine($"You are X, moving from 24 to 1; {agent.Name} is O. Opening roll: you {d1}, {agent.Name} {d2}: {(onRoll == 0 ? "you start" : $"{agent.Name} starts")}.");
        io.Out.WriteLine("Type plays in gnubg's notation (24/18 13/11, bar/22, 6/off, 6/2(2)); 'moves' lists the legal plays, 'quit' resigns.");
        Position position = Position.Start; // seen by the side on roll
        for (int ply = 1; ; ply++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            generator.Generate(position, d1, d2, plays);
            Position after;
            if (onRoll == 0)
            {
                io.Out.WriteLine();
                io.Out.Write(BoardText.Draw(position));
                io.Out.WriteLine($"Your roll: {d1}-{d2}. {(plays.Count == 0 ? "No legal play: press Enter." : $"{plays.Count} legal plays.")}");
                int chosen = -1;
                while (plays.Count > 0 && chosen < 0)
                {
                    io.Out.Write("your play> ");
                    io.Out.Flush();
                    string? line = input.ReadLine();
                    if (line is null || line.Trim().Equals("quit", StringComparison.OrdinalIgnoreCase))
                    {
                        io.Out.WriteLine();
                        io.Out.WriteLine($"You resign; {agent.Name} wins.");
                        return 0;
                    }
                    if (line.Trim().Equals("moves", StringComparison.OrdinalIgnoreCase))
                    {
                        var pos = position;
                        io.Out.WriteLine(string.Join(Environment.NewLine, plays.Select(p => "  " + MoveNotation.Format(pos, p))));
                        continue;
                    }
                    chosen = PlayParser.Resolve(position, d1, d2, plays, line, out string? error);
                    if (chosen < 0) io.Out.WriteLine($"  illegal: {error}");
                }
                if (plays.Count == 0) input.ReadLine();
                after = chosen >= 0 ? plays[chosen].Result : position;
            }
            else
            {
                if (plays.Count == 0)
                {
                    io.Out.WriteLine($"{agent.Name} rolls {d1}-{d2}: no legal play.");
                    after = position;
                }
                else
                {
                    int k = agent.Choose(position, d1, d2, CollectionsMarshal.AsSpan(plays));
                    io.Out.WriteLine($"{agent.Name} rolls {d1}-{d2} and plays {MoveNotation.Format(position, plays[k])}.");
                    after = plays[k].Result;
                }
            }
            int points = Scoring.PointsWonByMover(after);
            if (points > 0)
            {
                string kind = points switch { 1 => "a single game", 2 => "a gammon", _ => "a backgammon" };
                io.Out.WriteLine(onRoll == 0 ? $"You win {kind} ({points} point{(points > 1 ? "s" : "")})." : $"{agent.Name} wins {kind} ({points} point{(points > 1 ? "s" : "")}).");
                return 0;
            }
            position = after.Swap();
            onRoll ^= 1;
            (d1, d2) = Dice.Roll(dice);
        }
    }
}
