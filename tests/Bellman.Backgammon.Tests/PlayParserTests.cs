namespace Bellman.Backgammon.Tests;

public sealed class PlayParserTests
{
    private static int Resolve(Position p, int d1, int d2, string text, out string? error) =>
        PlayParser.Resolve(p, d1, d2, new MoveGenerator().Generate(p, d1, d2), text, out error);

    [Theory]
    [InlineData("24/18 13/11")]
    [InlineData("13/11 24/18")]
    [InlineData("24/18  13/11")]
    public void Gnubg_notation_finds_the_legal_play(string text)
    {
        var plays = new MoveGenerator().Generate(Position.Start, 6, 2);
        int k = PlayParser.Resolve(Position.Start, 6, 2, plays, text, out var error);
        Assert.True(k >= 0, error);
        Assert.Equal("24/18 13/11", MoveNotation.Format(Position.Start, plays[k]));
    }

    [Fact]
    public void Step_by_step_and_combined_paths_are_the_same_play_and_counts_repeat()
    {
        var plays = new MoveGenerator().Generate(Position.Start, 6, 5);
        int a = PlayParser.Resolve(Position.Start, 6, 5, plays, "24/13", out _);
        int b = PlayParser.Resolve(Position.Start, 6, 5, plays, "24/18 18/13", out _);
        int c = PlayParser.Resolve(Position.Start, 6, 5, plays, "24/18/13", out _);
        Assert.True(a >= 0);
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        var doubles = new MoveGenerator().Generate(Position.Start, 6, 6);
        int d = PlayParser.Resolve(Position.Start, 6, 6, doubles, "24/18(2) 13/7(2)", out _);
        Assert.Equal("24/18(2) 13/7(2)", MoveNotation.Format(Position.Start, doubles[d]));
    }

    [Theory]
    [InlineData("13/7 13/8 6/5", "12 pips")]
    [InlineData("24/17", "Point 17 is blocked")]
    [InlineData("7/1 6/1", "no checker on 7")]
    [InlineData("13/8 13/8", "not a legal play")]
    [InlineData("6/off", "bear off")]
    [InlineData("24/x", "not a point")]
    [InlineData("hello", "Could not read")]
    public void Illegal_plays_are_explained(string text, string fragment)
    {
        Assert.Equal(-1, Resolve(Position.Start, 6, 5, text, out var error));
        Assert.Contains(fragment, error);
    }

    [Fact]
    public void A_blocked_point_and_the_bar_are_explained()
    {
        // My 19 is the opponent's 6-point (5 checkers).
        Assert.Equal(-1, Resolve(Position.Start, 5, 1, "24/19", out var blocked));
        Assert.Contains("Point 19 is blocked", blocked);
        var onBar = Boards.Of([(25, 1), (6, 5), (13, 9)], [(12, 15)]);
        Assert.Equal(-1, Resolve(onBar, 4, 2, "13/9 6/4", out var bar));
        Assert.Contains("on the bar", bar);
    }
}
