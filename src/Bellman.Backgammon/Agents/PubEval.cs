namespace Bellman.Backgammon.Agents;

/// <summary>
/// Tesauro's pubeval: a linear score W·x of the position after the move, with race weights when the
/// position before the move is a race and contact weights otherwise (<see cref="PubEvalWeights"/>). The
/// 122 inputs, for the mover's points 24 down to 1 (5 per point, block j for point 24 − j) with n the
/// mover's checkers there or −1 for an opposing blot: [opponent blot], [n = 1], [n ≥ 2], [n = 3],
/// (n − 3)/2 for n ≥ 4; then the opponent's bar / 2 and the mover's borne-off / 15. Bearing off the
/// last checker scores highest.
/// </summary>
public sealed class PubEval : IBackgammonAgent
{
    /// <inheritdoc/>
    public string Name => "pubeval";

    /// <inheritdoc/>
    public int Choose(in Position position, int die1, int die2, ReadOnlySpan<Play> plays)
    {
        bool race = position.IsRace;
        int best = 0;
        float bestScore = float.NegativeInfinity;
        for (int i = 0; i < plays.Length; i++)
        {
            float score = Score(plays[i].Result, race);
            if (score > bestScore) (best, bestScore) = (i, score);
        }
        return best;
    }

    /// <summary>pubeval's score of <paramref name="after"/> (the mover is its second half).</summary>
    public static float Score(in Position after, bool race)
    {
        if (after.MineOff == Position.CheckersPerSide) return 99999999f;
        ReadOnlySpan<float> w = race ? PubEvalWeights.Race : PubEvalWeights.Contact;
        float score = 0f;
        for (int j = 0; j < 24; j++)
        {
            int point = 24 - j;              // the mover's point
            int mine = after.Mine(point - 1);
            int b = 5 * j;
            if (mine == 0)
            {
                if (after.Theirs(24 - point) == 1) score += w[b];
                continue;
            }
            if (mine == 1) score += w[b + 1];
            if (mine >= 2) score += w[b + 2];
            if (mine == 3) score += w[b + 3];
            if (mine >= 4) score += w[b + 4] * (mine - 3) / 2f;
        }
        score += w[120] * after.Theirs(Position.Bar) / 2f;
        score += w[121] * after.MineOff / 15f;
        return score;
    }
}
