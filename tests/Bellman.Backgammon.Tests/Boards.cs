namespace Bellman.Backgammon.Tests;

/// <summary>Hand-made boards, both sides given in the on-roll side's point numbers (25 = that side's bar).</summary>
public static class Boards
{
    public static Position Of((int Point, int Count)[] mine, (int Point, int Count)[] theirs)
    {
        var me = new int[25];
        var opp = new int[25];
        foreach (var (p, n) in mine) me[p - 1] += n;
        foreach (var (p, n) in theirs) opp[p == 25 ? 24 : 24 - p] += n;
        return Position.FromCounts(opp, me);
    }
}
