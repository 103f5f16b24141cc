namespace Bellman.Backgammon.Tests;

public sealed class RulesTests
{
    private static string[] Moves(Position p, int d1, int d2) =>
        new MoveGenerator().Generate(p, d1, d2).Select(x => MoveNotation.Format(p, x)).Order(StringComparer.Ordinal).ToArray();

    private static readonly (int, int)[] ClosedBoard = [(1, 2), (2, 2), (3, 2), (4, 2), (5, 2), (6, 2)]; // their home board, in my numbers 19..24

    private static (int, int)[] Mirror((int P, int N)[] theirHome) => theirHome.Select(x => (25 - x.P, x.N)).ToArray();

    [Fact]
    public void A_closed_board_against_the_bar_leaves_no_play()
    {
        var p = Boards.Of([(25, 1), (6, 5), (13, 9)], Mirror(ClosedBoard));
        Assert.Empty(Moves(p, 6, 5));
        Assert.Empty(Moves(p, 3, 3));
    }

    [Fact]
    public void Two_on_the_bar_enter_both_and_nothing_else_moves()
    {
        var p = Boards.Of([(25, 2), (6, 5), (13, 8)], [(1, 2), (12, 5), (17, 3), (19, 5)]);
        Assert.Equal(["bar/23 bar/21"], Moves(p, 4, 2));
        // A double: both enter, the other two moves are free (here 4 plays of the last two 3s).
        var three = Moves(p, 3, 3);
        Assert.All(three, m => Assert.StartsWith("bar/22(2)", m));
    }

    [Fact]
    public void When_only_one_die_enters_the_other_is_played_after_it()
    {
        // My 23 (their 2-point) is blocked, 21 is open: enter with the 4 only, then play the 2 anywhere.
        var p = Boards.Of([(25, 1), (6, 5), (13, 9)], [(23, 2), (12, 13)]);
        Assert.Equal(["bar/19", "bar/21 13/11", "bar/21 6/4"], Moves(p, 4, 2));
        // A blocked checker on the bar cannot enter with 2 and blocks all other moves of a 2-2.
        Assert.Empty(Moves(p, 2, 2));
    }

    [Fact]
    public void Bearing_off_needs_every_checker_home_and_takes_the_highest_with_a_larger_die()
    {
        // Checkers on 7 and 3 with 4-3: the 7 must come in first; then only the exact or highest checker may leave.
        var p = Boards.Of([(7, 1), (3, 1)], [(24, 1)]);
        Assert.Equal(["7/off"], Moves(p, 4, 3));
        // A single checker on 2 with 6-5: either die bears it off, the game ends after one die.
        var last = Boards.Of([(2, 1)], [(24, 1)]);
        var plays = new MoveGenerator().Generate(last, 6, 5);
        Assert.Single(plays);
        Assert.Equal(1, plays[0].StepCount);
        Assert.Equal("2/off", MoveNotation.Format(last, plays[0]));
        // A checker on 5 and one on 2 with 6-1: the 6 takes the 5 (the highest), never the 2 while the 5 stands;
        // 5/4 then 4/off is written 5/off (gnubg drops an intermediate point without a hit).
        var two = Boards.Of([(5, 1), (2, 1)], [(24, 1)]);
        Assert.Equal(["5/off", "5/off 2/1"], Moves(two, 6, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Scoring_counts_single_gammon_and_backgammon(int expected)
    {
        (int, int)[] theirs = expected switch
        {
            1 => [(20, 14)],           // they have one off
            2 => [(20, 15)],           // none off, none in my home board
            _ => [(20, 14), (3, 1)],   // none off, one in my home board
        };
        var p = Boards.Of([], theirs);
        Assert.Equal(expected, Scoring.PointsWonByMover(p));
        Assert.Equal(0, Scoring.PointsWonByMover(Position.Start));
    }
}
