namespace Bellman.Backgammon.Agents;

/// <summary>
/// A pip-count heuristic: maximise the pip lead (the opponent's pips minus one's own, so hits count),
/// minus <see cref="BlotPenalty"/> pips for each own blot while the sides are in contact. Ties go to the
/// first play.
/// </summary>
public sealed class PipCountAgent : IBackgammonAgent
{
    /// <summary>Pips charged per blot in contact positions.</summary>
    public const int BlotPenalty = 4;

    /// <inheritdoc/>
    public string Name => "pipcount";

    /// <inheritdoc/>
    public int Choose(in Position position, int die1, int die2, ReadOnlySpan<Play> plays)
    {
        int best = 0;
        int bestScore = int.MinValue;
        for (int i = 0; i < plays.Length; i++)
        {
            int score = Score(plays[i].Result);
            if (score > bestScore) (best, bestScore) = (i, score);
        }
        return best;
    }

    /// <summary>The heuristic value of an afterstate (the mover is its second half).</summary>
    public static int Score(in Position after)
    {
        int score = after.Pips(0) - after.Pips(1);
        if (after.IsRace) return score;
        for (int i = 0; i < 24; i++) if (after.Mine(i) == 1) score -= BlotPenalty;
        return score;
    }
}
