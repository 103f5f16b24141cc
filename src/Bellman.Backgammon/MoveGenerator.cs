namespace Bellman.Backgammon;

/// <summary>
/// Every distinct legal play of the side on roll for a roll of the dice, each resulting position once.
/// The rules: a checker on the bar must enter (on the opponent's home board, own point 25 − die) before
/// any other checker moves; a checker may land on an empty point, its own, or a single opposing checker
/// (a blot, which is hit and goes to the opponent's bar), never on two or more; bearing off needs every
/// checker home (points 1..6) and uses the exact die, or a larger die from the highest occupied point.
/// As many dice as possible must be used (four of a double); if only one of two different dice can be
/// used, the larger one must be when it can. Reuses its buffers: one instance per thread.
/// </summary>
public sealed class MoveGenerator
{
    private readonly PositionSet _seen = new();
    private readonly int[] _sequence = new int[4];
    private readonly byte[] _steps = new byte[8];
    private readonly List<int> _dieOfPlay = [];
    private List<Play> _out = [];
    private int _sequenceLength;
    private int _best;
    private bool _double;

    /// <summary>
    /// Fills <paramref name="plays"/> with every distinct legal play of the side on roll (the second half
    /// of <paramref name="position"/>) for the dice; empty when nothing can be played.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A die is not 1..6.</exception>
    public void Generate(in Position position, int die1, int die2, List<Play> plays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(die1, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(die1, 6);
        ArgumentOutOfRangeException.ThrowIfLessThan(die2, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(die2, 6);
        ArgumentNullException.ThrowIfNull(plays);
        plays.Clear();
        _out = plays;
        _seen.Clear();
        _dieOfPlay.Clear();
        _best = 0;
        int high = Math.Max(die1, die2), low = Math.Min(die1, die2);
        _double = high == low;
        if (_double)
        {
            _sequenceLength = 4;
            _sequence.AsSpan().Fill(high);
            Search(position, 0, Position.Bar);
        }
        else
        {
            _sequenceLength = 2;
            (_sequence[0], _sequence[1]) = (high, low);
            Search(position, 0, Position.Bar);
            (_sequence[0], _sequence[1]) = (low, high);
            Search(position, 0, Position.Bar);
        }
        if (_best == 0)
        {
            plays.Clear();
        }
        else if (!_double && _best == 1 && _dieOfPlay.Contains(high))
        {
            // Only one die can be used: the larger, when it can be.
            int w = 0;
            for (int r = 0; r < plays.Count; r++)
                if (_dieOfPlay[r] == high) plays[w++] = plays[r];
            plays.RemoveRange(w, plays.Count - w);
        }
        _out = [];
    }

    /// <summary>A new list with every distinct legal play (see <see cref="Generate(in Position, int, int, List{Play})"/>).</summary>
    public List<Play> Generate(in Position position, int die1, int die2)
    {
        var plays = new List<Play>();
        Generate(position, die1, die2, plays);
        return plays;
    }

    /// <summary>
    /// Depth-first over the dice in order. For a double the checkers are taken from non-increasing points
    /// (<paramref name="maxFrom"/>), which reaches every multiset of steps once.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Search(in Position position, int depth, int maxFrom)
    {
        bool moved = false;
        if (depth < _sequenceLength)
        {
            int die = _sequence[depth];
            bool onBar = position.Mine(Position.Bar) > 0;
            int top = onBar ? Position.Bar : Math.Min(maxFrom, Position.Bar - 1);
            int bottom = onBar ? Position.Bar : 0;
            for (int from = top; from >= bottom; from--)
            {
                if (position.Mine(from) == 0 || !CanMove(position, from, die, out int to)) continue;
                Position next = position;
                Apply(ref next, from, to);
                _steps[2 * depth] = (byte)(from + 1);
                _steps[2 * depth + 1] = (byte)(to + 1);
                Search(next, depth + 1, _double ? from : Position.Bar);
                moved = true;
            }
        }
        if (!moved) Record(position, depth);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Record(in Position position, int depth)
    {
        if (depth < _best) return;
        if (depth > _best)
        {
            _best = depth;
            _out.Clear();
            _seen.Clear();
            _dieOfPlay.Clear();
        }
        if (depth == 0 || !_seen.Add(position, _out)) return;
        var play = new Play { Result = position };
        play.SetSteps(_steps, depth);
        _out.Add(play);
        _dieOfPlay.Add(_sequence[0]);
    }

    /// <summary>
    /// Whether the on-roll side's checker at index <paramref name="from"/> may move <paramref name="die"/>
    /// pips; <paramref name="to"/> is the landing index, −1 for borne off.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static bool CanMove(in Position position, int from, int die, out int to)
    {
        to = from - die;
        if (to >= 0) return position.Theirs(23 - to) < 2;
        to = -1;
        // Bearing off: every checker home (indices 0..5, none on the bar).
        for (int i = 6; i <= Position.Bar; i++) if (position.Mine(i) > 0) return false;
        if (from - die == -1) return true;
        for (int i = from + 1; i < 6; i++) if (position.Mine(i) > 0) return false;
        return true;
    }

    /// <summary>Moves one checker of the side on roll from index <paramref name="from"/> to <paramref name="to"/> (−1 off), hitting a blot there.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Apply(ref Position position, int from, int to)
    {
        position.AddMine(from, -1);
        if (to < 0) return;
        if (position.Theirs(23 - to) == 1)
        {
            position.AddTheirs(23 - to, -1);
            position.AddTheirs(Position.Bar, 1);
        }
        position.AddMine(to, 1);
    }
}
