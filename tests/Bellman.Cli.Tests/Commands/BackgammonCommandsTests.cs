using System.Text.Json;

namespace Bellman.Cli.Tests.Commands;

public sealed class BackgammonCommandsTests
{
    [Fact]
    public void Moves_json_lists_gnubgs_plays_for_a_bar_position()
    {
        // Reference case c117 (gnubg 1.07): two on the bar, 6-1, one play that hits twice.
        var r = CliRunner.Run("backgammon", "moves", "--position", "hRwMmDmYyyGIYg", "--dice", "6,1", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        var plays = doc.RootElement.GetProperty("plays").EnumerateArray().ToList();
        Assert.Single(plays);
        Assert.Equal("AgcDZm6YyyEoJQ", plays[0].GetProperty("id").GetString());
        Assert.Equal("bar/24* bar/19*", plays[0].GetProperty("move").GetString());
    }

    [Fact]
    public void Moves_lists_the_14_opening_plays_of_4_1_in_text()
    {
        var r = CliRunner.Run("backgammon", "moves", "--position", "4HPwATDgc/ABMA", "--dice", "4,1");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("14 legal plays", r.Lines[0]);
        Assert.Equal(15, r.Lines.Length);
        Assert.Contains(r.Lines, l => l.EndsWith("  24/23 13/9", StringComparison.Ordinal));
        Assert.Contains(r.Lines, l => l.EndsWith("  13/9 6/5", StringComparison.Ordinal));
    }

    [Fact]
    public void Moves_json_is_an_empty_list_when_nothing_can_be_played()
    {
        // Reference case c290: nothing can be played with 6-3.
        var r = CliRunner.Run("backgammon", "moves", "--position", "2+4WAABmYloTQA", "--dice", "6,3", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("{\"plays\":[]}", r.Out.Trim());
    }

    [Theory]
    [InlineData("4HPwATDgc/ABM", "5,3", "14")]
    [InlineData("4HPwATDgc/ABMA", "5,7", "'7' is not a die")]
    [InlineData("4HPwATDgc/ABMA", "5", "two dice")]
    [InlineData("//////////////", "5,3", "--position")]
    [InlineData("AwAQAAYAAAAAAA", "5,3", "both sides")]
    [InlineData("AAAAwP8/AAAAAA", "5,3", "16 checkers")]
    public void Moves_rejects_bad_input_with_a_clear_message(string id, string dice, string fragment)
    {
        var r = CliRunner.Run("backgammon", "moves", "--position", id, "--dice", dice);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(fragment, r.Error);
        Assert.DoesNotContain("   at ", r.Error);
    }
}
