using System.Globalization;

namespace Bellman.Backgammon;

/// <summary>
/// Reads a play typed in gnubg's notation and finds it among the legal plays, or explains why it is not
/// legal. Each path a/b/c moves one checker a → b → c (25 or "bar" the bar, 0 or "off" borne off), hitting
/// a blot on each point written; <c>(n)</c> repeats a path. The typed play is legal when the position it
/// reaches is the result of a legal play, so <c>24/18</c>, <c>24/23 23/18</c> and <c>24/23/18</c> are one play.
/// </summary>
public static class PlayParser
{
    /// <summary>
    /// The index in <paramref name="plays"/> of the play <paramref name="text"/> describes, or −1 with
    /// <paramref name="error"/> saying what is wrong.
    /// </summary>
    public static int Resolve(in Position position, int die1, int die2, IReadOnlyList<Play> plays, string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(plays);
        error = null;
        if (!TryParse(text, out var paths, out error)) return -1;
        if (plays.Count == 0)
        {
            error = "No play is legal with this roll: press Enter to pass.";
            return -1;
        }
        Position after = position;
        int pips = 0;
        bool first = true;
        foreach (var path in paths)
        {
            for (int k = 0; k + 1 < path.Count; k++)
            {
                int from = path[k], to = path[k + 1];
                if (first && after.Mine(Position.Bar) > 0 && from != 25)
                {
                    error = $"You have {after.Mine(Position.Bar)} checker(s) on the bar: enter first (bar/{25 - Math.Min(die1, die2)} or bar/{25 - Math.Max(die1, die2)}).";
                    return -1;
                }
                first = false;
                if (from == 0 || from > 25 || to == 25 || from <= to)
                {
                    error = $"{Name(from)}/{Name(to)} does not move forward: your checkers move from 24 toward 1 and off.";
                    return -1;
                }
                if (after.Mine(from - 1) == 0)
                {
                    error = from == 25 ? "You have no checker on the bar." : $"You have no checker on {from}.";
                    return -1;
                }
                if (to > 0 && after.Theirs(24 - to) >= 2)
                {
                    error = $"Point {to} is blocked: the opponent has {after.Theirs(24 - to)} checkers there.";
                    return -1;
                }
                if (to == 0)
                {
                    for (int i = 6; i <= Position.Bar; i++)
                    {
                        if (i != from - 1 && after.Mine(i) > 0 || i == from - 1 && after.Mine(i) > 1)
                        {
                            error = "You cannot bear off while checkers stand outside your home board (points 1 to 6) or on the bar.";
                            return -1;
                        }
                    }
                }
                pips += from - to;
                MoveGenerator.Apply(ref after, from - 1, to - 1);
            }
        }
        for (int i = 0; i < plays.Count; i++) if (plays[i].Result == after) return i;

        var before = position;
        string examples = string.Join(", ", plays.Take(4).Select(p => MoveNotation.Format(before, p)));
        int diceUsed = plays[0].StepCount;
        int maxPips = die1 == die2 ? 4 * die1 : die1 + die2;
        if (pips > maxPips)
            error = $"That moves {pips} pips; the roll {die1}-{die2} gives at most {maxPips}.";
        else if (die1 != die2 && diceUsed == 1 && plays.All(p => p.StepCount == 1))
            error = $"Only one die can be played (if either can, the larger one must be): the legal plays are {examples}{(plays.Count > 4 ? ", ..." : "")}.";
        else
            error = $"That is not a legal play with {die1}-{die2}: the rules make you use {diceUsed} {(diceUsed == 1 ? "die" : "dice")} if you can, each die moving one checker exactly its number (bearing off with a larger die only from your highest point). Legal plays include {examples}.";
        return -1;
    }

    /// <summary>Parses the paths of a typed play.</summary>
    public static bool TryParse(string text, out List<List<int>> paths, out string? error)
    {
        paths = [];
        error = null;
        foreach (string raw in (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            string token = raw.ToLowerInvariant();
            int repeat = 1;
            int open = token.IndexOf('(', StringComparison.Ordinal);
            if (open >= 0)
            {
                if (!token.EndsWith(')') || !int.TryParse(token.AsSpan(open + 1, token.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out repeat) || repeat is < 1 or > 4)
                {
                    error = $"Could not read '{raw}': a count is written like 6/2(2).";
                    return false;
                }
                token = token[..open];
            }
            var parts = token.Split('/');
            if (parts.Length < 2)
            {
                error = $"Could not read '{raw}': write plays like 24/18 13/11, bar/22, 6/off or 6/2(2).";
                return false;
            }
            var path = new List<int>();
            foreach (string part in parts)
            {
                string p = part.TrimEnd('*');
                int point;
                if (p == "bar") point = 25;
                else if (p == "off") point = 0;
                else if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out point) || point is < 0 or > 25)
                {
                    error = $"Could not read '{raw}': '{part}' is not a point (1..24, bar, off).";
                    return false;
                }
                path.Add(point);
            }
            for (int r = 0; r < repeat; r++) paths.Add(path);
        }
        if (paths.Count == 0)
        {
            error = "Type a play, e.g. 24/18 13/11.";
            return false;
        }
        return true;
    }

    private static string Name(int point) => point == 25 ? "bar" : point == 0 ? "off" : point.ToString(CultureInfo.InvariantCulture);
}
