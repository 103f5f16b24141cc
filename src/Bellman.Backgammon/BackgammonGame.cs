using System.Runtime.InteropServices;
using Bellman.Core.Environments;
using Bellman.Core.Random;

namespace Bellman.Backgammon;

/// <summary>
/// Backgammon as a two-player environment: whose turn it is, the dice, and the legal afterstates. The
/// board is kept from the view of the side on roll (<see cref="Position"/>); <see cref="Step"/> takes the
/// index of one of <see cref="LegalPlays"/> (any index when there is none: the turn passes), and returns
/// the reward of the side that moved: its points (1, 2 gammon, 3 backgammon) when it bore off its last
/// checker, else 0. Cubeless single games; the opening roll is never a double.
/// </summary>
public sealed class BackgammonGame
{
    private readonly MoveGenerator _moves = new();
    private readonly List<Play> _plays = [];
    private Rng _dice = new(0UL);

    /// <summary>The board seen by the side on roll (it is the second half).</summary>
    public Position Position { get; private set; } = Position.Start;

    /// <summary>Player 0 or 1, the side on roll.</summary>
    public int PlayerOnRoll { get; private set; }

    /// <summary>The roll to play.</summary>
    public (int Die1, int Die2) Dice { get; private set; }

    /// <summary>Plies played.</summary>
    public int Ply { get; private set; }

    /// <summary>Whether the game has ended.</summary>
    public bool IsOver { get; private set; }

    /// <summary>The winner once <see cref="IsOver"/>, else −1.</summary>
    public int Winner { get; private set; } = -1;

    /// <summary>The points the winner scored once <see cref="IsOver"/>.</summary>
    public int Points { get; private set; }

    /// <summary>Every distinct legal play for <see cref="Position"/> and <see cref="Dice"/> (empty: the turn passes).</summary>
    public ReadOnlySpan<Play> LegalPlays => CollectionsMarshal.AsSpan(_plays);

    /// <summary>Starts a game with the dice drawn from <paramref name="dice"/>; <paramref name="starter"/> moves first.</summary>
    public void Reset(Rng dice, int starter)
    {
        ArgumentNullException.ThrowIfNull(dice);
        if (starter is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(starter), starter, "The starter is player 0 or 1.");
        _dice = dice;
        Position = Position.Start;
        PlayerOnRoll = starter;
        Ply = 0;
        IsOver = false;
        Winner = -1;
        Points = 0;
        Dice = Backgammon.Dice.RollOpening(dice);
        _moves.Generate(Position, Dice.Die1, Dice.Die2, _plays);
    }

    /// <summary>Plays legal play <paramref name="index"/> (ignored when none is legal) and rolls for the other side.</summary>
    /// <exception cref="InvalidOperationException">The game is over.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The index is not one of the legal plays.</exception>
    public StepResult Step(int index)
    {
        if (IsOver) throw new InvalidOperationException("The game is over; call Reset.");
        Position after = Position;
        if (_plays.Count > 0)
        {
            if ((uint)index >= (uint)_plays.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {_plays.Count} legal plays.");
            after = _plays[index].Result;
        }
        Ply++;
        int points = Scoring.PointsWonByMover(after);
        if (points > 0)
        {
            IsOver = true;
            Winner = PlayerOnRoll;
            Points = points;
            Position = after;
            _plays.Clear();
            return new StepResult(points, Terminated: true, Truncated: false);
        }
        Position = after.Swap();
        PlayerOnRoll ^= 1;
        Dice = Backgammon.Dice.Roll(_dice);
        _moves.Generate(Position, Dice.Die1, Dice.Die2, _plays);
        return new StepResult(0, Terminated: false, Truncated: false);
    }
}
