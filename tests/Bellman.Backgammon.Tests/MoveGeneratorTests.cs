namespace Bellman.Backgammon.Tests;

public sealed class MoveGeneratorTests
{
    private static List<(string Id, string Move)> Plays(Position p, int d1, int d2) =>
        new MoveGenerator().Generate(p, d1, d2).Select(x => (PositionId.Encode(x.Result), MoveNotation.Format(p, x))).ToList();

    [Theory]
    [MemberData(nameof(ReferenceData.CaseNames), MemberType = typeof(ReferenceData))]
    public void Agrees_with_gnubg_on_the_reference_case(string name)
    {
        var c = ReferenceData.Get(name);
        var position = PositionId.Decode(c.PositionId);
        Assert.Equal(c.Board[0], position.ToCounts()[0]);
        Assert.Equal(c.Board[1], position.ToCounts()[1]);

        var plays = new MoveGenerator().Generate(position, c.Dice[0], c.Dice[1]);
        var ids = plays.Select(p => PositionId.Encode(p.Result)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(c.Results.Select(r => r.Id).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.All(plays, p => Assert.Equal(c.DiceUsed, p.StepCount));
        var expected = c.Results.ToDictionary(r => r.Id, r => r.Move);
        Assert.All(plays, p => Assert.Equal(expected[PositionId.Encode(p.Result)], MoveNotation.Format(position, p)));
    }

    [Theory]
    [InlineData(6, 6, 11)]
    [InlineData(5, 5, 4)]
    [InlineData(4, 4, 52)]
    [InlineData(3, 3, 73)]
    [InlineData(2, 2, 75)]
    [InlineData(1, 1, 42)]
    [InlineData(4, 1, 14)]
    [InlineData(1, 4, 14)]
    [InlineData(2, 1, 15)]
    [InlineData(6, 5, 7)]
    public void Opening_position_has_the_known_number_of_distinct_plays(int d1, int d2, int expected) =>
        Assert.Equal(expected, new MoveGenerator().Generate(Position.Start, d1, d2).Count);
}
