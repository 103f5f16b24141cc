namespace Bellman.Backgammon;

/// <summary>Single-game scoring without the cube: 1 point, 2 for a gammon, 3 for a backgammon.</summary>
public static class Scoring
{
    /// <summary>
    /// The points won by the side on roll of <paramref name="position"/> (the second half) if it has borne
    /// off all 15 checkers, else 0: a gammon (2) when the opponent has borne off none, a backgammon (3)
    /// when moreover an opposing checker is on the bar or in the winner's home board (its points 1..6).
    /// </summary>
    public static int PointsWonByMover(in Position position)
    {
        if (position.MineOff < Position.CheckersPerSide) return 0;
        if (position.TheirsOff > 0) return 1;
        // The winner's points 1..6 are the loser's 19..24 (indices 18..23); 24 is the loser's bar.
        for (int i = 18; i <= Position.Bar; i++) if (position.Theirs(i) > 0) return 3;
        return 2;
    }
}
