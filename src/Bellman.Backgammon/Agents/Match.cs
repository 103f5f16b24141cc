using System.Runtime.InteropServices;
using Bellman.Backgammon.TdGammon;
using Bellman.Core.Random;

namespace Bellman.Backgammon.Agents;

/// <summary>The result of a match of single cubeless games: counts and points from the first agent's side.</summary>
public sealed record MatchResult(int Games, int Wins, int Gammons, int Backgammons, int LostGammons, int LostBackgammons, int Points, int Unfinished)
{
    /// <summary>Games won over games finished.</summary>
    public double WinRate => Finished == 0 ? 0 : (double)Wins / Finished;

    /// <summary>Games that ended.</summary>
    public int Finished => Games - Unfinished;

    /// <summary>Net points per game (+1/2/3 won, −1/2/3 lost).</summary>
    public double PointsPerGame => Finished == 0 ? 0 : (double)Points / Finished;

    /// <summary>The Wilson 95% interval of the win rate.</summary>
    public (double Low, double High) WinRateInterval95
    {
        get
        {
            if (Finished == 0) return (0, 1);
            const double z = 1.959963984540054;
            double n = Finished, p = WinRate;
            double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
            double half = z * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
            return (Math.Max(0, centre - half), Math.Min(1, centre + half));
        }
    }
}

/// <summary>Plays single games between two agents: cubeless money play, gammons and backgammons counted, the starter alternating.</summary>
public sealed class Match
{
    private readonly BackgammonGame _game = new();

    /// <summary>Called before each play with (player 0/1, position before, dice, the chosen play or null when none was legal).</summary>
    public Action<int, Position, (int, int), Play?>? OnPlay { get; set; }

    /// <summary>Called after each game with its outcome.</summary>
    public Action<GameOutcome>? OnGameEnd { get; set; }

    /// <summary>Plays one game; <paramref name="starter"/> (0 for <paramref name="a"/>) moves first with a non-double roll. The winner is 0 for <paramref name="a"/>.</summary>
    public GameOutcome PlayGame(IBackgammonAgent a, IBackgammonAgent b, int starter, Rng dice)
    {
        var game = _game;
        game.Reset(dice, starter);
        while (!game.IsOver && game.Ply < TdGammonTrainer.MaxPlies)
        {
            var plays = game.LegalPlays;
            int k = -1;
            if (plays.Length > 0)
            {
                var agent = game.PlayerOnRoll == 0 ? a : b;
                k = agent.Choose(game.Position, game.Dice.Die1, game.Dice.Die2, plays);
                if ((uint)k >= (uint)plays.Length) throw new InvalidOperationException($"Agent {agent.Name} chose play {k} of {plays.Length}.");
            }
            OnPlay?.Invoke(game.PlayerOnRoll, game.Position, game.Dice, k >= 0 ? plays[k] : null);
            game.Step(k);
        }
        var outcome = game.IsOver ? new GameOutcome(game.Winner, game.Points, game.Ply) : new GameOutcome(-1, 0, game.Ply);
        OnGameEnd?.Invoke(outcome);
        return outcome;
    }

    /// <summary>Plays <paramref name="games"/> games, <paramref name="a"/> starting the even-numbered ones.</summary>
    public MatchResult Play(IBackgammonAgent a, IBackgammonAgent b, int games, Rng dice, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(games);
        int wins = 0, gammons = 0, backgammons = 0, lostGammons = 0, lostBackgammons = 0, points = 0, unfinished = 0;
        for (int g = 0; g < games; g++)
        {
            cancellation.ThrowIfCancellationRequested();
            var o = PlayGame(a, b, g % 2, dice);
            if (o.Winner < 0) { unfinished++; continue; }
            if (o.Winner == 0)
            {
                wins++;
                points += o.Points;
                if (o.Points == 2) gammons++;
                if (o.Points == 3) backgammons++;
            }
            else
            {
                points -= o.Points;
                if (o.Points == 2) lostGammons++;
                if (o.Points == 3) lostBackgammons++;
            }
        }
        return new MatchResult(games, wins, gammons, backgammons, lostGammons, lostBackgammons, points, unfinished);
    }
}
