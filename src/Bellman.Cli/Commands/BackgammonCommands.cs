using Spectre.Console.Cli;

namespace Bellman.Cli.Commands;

/// <summary>The <c>bellman backgammon</c> branch: its commands, registered in one place.</summary>
internal static class BackgammonCommands
{
    /// <summary>Adds the backgammon commands to the branch.</summary>
    public static void Configure(IConfigurator<CommandSettings> backgammon)
    {
        backgammon.SetDescription("Backgammon: legal plays in gnubg's notation, TD-Gammon matches.");
        backgammon.AddCommand<BackgammonMovesCommand>("moves").WithDescription("Every distinct legal play for a gnubg position ID and a roll.")
            .WithExample("backgammon", "moves", "--position", "4HPwATDgc/ABMA", "--dice", "4,1");
        backgammon.AddCommand<BackgammonMatchCommand>("match").WithDescription("Single cubeless games of a TD-Gammon run against random, pipcount, pubeval or gnubg[[:LEVEL]]: win rate (95% interval), points per game.")
            .WithExample("backgammon", "match", "--agent", "runs/td-gammon-s0", "--opponent", "pubeval", "--games", "1000");
        backgammon.AddCommand<BackgammonPlayCommand>("play").WithDescription("Play a game against an agent in the terminal (board in text, plays in gnubg's notation).")
            .WithExample("backgammon", "play", "--agent", "runs/td-gammon-s0");
        backgammon.AddCommand<BackgammonOpeningsCommand>("openings").WithDescription("The agent's play for each of the 15 opening rolls, next to gnubg's.");
        backgammon.AddCommand<BackgammonPlotCommand>("plot").WithDescription("Strength over training of TD-Gammon runs (win rate against random and pubeval at each evaluation) as a PNG.")
            .WithExample("backgammon", "plot", "runs/td-gammon-s0", "--out", "strength.png");
    }
}
