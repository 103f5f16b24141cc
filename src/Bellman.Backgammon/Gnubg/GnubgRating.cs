namespace Bellman.Backgammon.Gnubg;

/// <summary>
/// gnubg's analysis of one player's moves in a game: moves, unforced moves (more than one legal play) and
/// the equity given up in all (EMG, cubeless). The error rate is EMG per unforced move; gnubg prints it
/// ×1000 as "Error rate mEMG", and PR (eXtreme Gammon's scale) is 500 × error rate.
/// </summary>
public sealed record GnubgRating(int TotalMoves, int UnforcedMoves, double ErrorSkill)
{
    /// <summary>EMG given up per unforced move.</summary>
    public double ErrorRate => UnforcedMoves == 0 ? 0 : ErrorSkill / UnforcedMoves;

    /// <summary>The error rate in thousandths (gnubg's "Error rate mEMG").</summary>
    public double MilliEmg => 1000 * ErrorRate;

    /// <summary>Performance rating, 500 × error rate.</summary>
    public double Pr => 500 * ErrorRate;

    /// <summary>The sum of two ratings (several games of one player).</summary>
    public static GnubgRating operator +(GnubgRating a, GnubgRating b) =>
        new(a.TotalMoves + b.TotalMoves, a.UnforcedMoves + b.UnforcedMoves, a.ErrorSkill + b.ErrorSkill);

    /// <summary>No moves.</summary>
    public static GnubgRating Zero { get; } = new(0, 0, 0);
}

/// <summary>One turn of a played game, for gnubg: the dice and the play in gnubg's notation ("" when none was legal).</summary>
public readonly record struct GameTurn(int Die1, int Die2, string Move);

/// <summary>Collects a <see cref="Agents.Match"/>'s games turn by turn (attach <see cref="OnPlay"/> and <see cref="OnGameEnd"/>).</summary>
public sealed class GameRecorder
{
    private List<GameTurn> _turns = [];
    private int _first = -1;

    /// <summary>The finished games: who moved first (0 the match's first agent) and the turns.</summary>
    public List<(int First, IReadOnlyList<GameTurn> Turns, Bellman.Backgammon.TdGammon.GameOutcome Outcome)> Games { get; } = [];

    /// <summary>Records one turn (the signature of <see cref="Agents.Match.OnPlay"/>).</summary>
    public void OnPlay(int player, Position before, (int, int) dice, Play? play)
    {
        if (_first < 0) _first = player;
        _turns.Add(new GameTurn(dice.Item1, dice.Item2, play is { } p ? MoveNotation.Format(before, p) : ""));
    }

    /// <summary>Closes the game (the signature of <see cref="Agents.Match.OnGameEnd"/>).</summary>
    public void OnGameEnd(Bellman.Backgammon.TdGammon.GameOutcome outcome)
    {
        Games.Add((_first, _turns, outcome));
        _turns = [];
        _first = -1;
    }
}
