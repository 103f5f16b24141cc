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

public sealed class BackgammonTrainAndMatchTests
{
    private static string TempDir() => Path.Combine(Path.GetTempPath(), "bellman-bg-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Train_writes_a_run_folder_that_resumes_and_that_match_can_load()
    {
        string dir = TempDir();
        try
        {
            var r = CliRunner.Run("train", "td-gammon", "--games", "40", "--eval-every", "20", "--eval-games", "4", "--hidden", "8", "--out", dir, "--seed", "3");
            Assert.True(r.ExitCode == 0, r.Error);
            foreach (var f in new[] { "config.json", "metrics.csv", "summary.json", "checkpoint.safetensors", "checkpoint.json" })
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            var rows = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
            Assert.StartsWith("games,", rows[0]);
            Assert.Equal(["20", "40"], rows.Skip(1).Select(l => l.Split(',')[0]));

            var resumed = CliRunner.Run("train", "td-gammon", "--resume", dir, "--games", "20", "--eval-games", "0");
            Assert.True(resumed.ExitCode == 0, resumed.Error);
            var last = File.ReadAllLines(Path.Combine(dir, "metrics.csv"))[^1].Split(',');
            Assert.Equal("60", last[0]);
            double before = double.Parse(rows[^1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture) > before, "train_seconds accumulates across a resume");

            var m = CliRunner.Run("backgammon", "match", "--agent", dir, "--opponent", "random", "--games", "10", "--json");
            Assert.True(m.ExitCode == 0, m.Error);
            using var doc = JsonDocument.Parse(m.Out);
            var root = doc.RootElement;
            Assert.Equal(10, root.GetProperty("games").GetInt32());
            Assert.Equal(10, root.GetProperty("wins").GetInt32() + root.GetProperty("losses").GetInt32());
            var ci = root.GetProperty("win_rate_ci95").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            double rate = root.GetProperty("win_rate").GetDouble();
            Assert.True(ci[0] <= rate && rate <= ci[1]);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Match_of_two_builtins_is_reproducible_and_pubeval_beats_random()
    {
        var a = CliRunner.Run("backgammon", "match", "--agent", "pubeval", "--opponent", "random", "--games", "40", "--seed", "5");
        var b = CliRunner.Run("backgammon", "match", "--agent", "pubeval", "--opponent", "random", "--games", "40", "--seed", "5");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Out, b.Out);
        Assert.Contains("pubeval vs random: 40 games", a.Out);
        using var doc = JsonDocument.Parse(CliRunner.Run("backgammon", "match", "--agent", "pubeval", "--opponent", "random", "--games", "40", "--json").Out);
        Assert.True(doc.RootElement.GetProperty("win_rate").GetDouble() > 0.8);
    }

    [Theory]
    [InlineData("pubevl", "'pubeval'")]
    [InlineData("gnubg:exprt", "'expert'")]
    public void Match_names_the_closest_opponent_when_misspelt(string opponent, string suggestion)
    {
        var r = CliRunner.Run("backgammon", "match", "--agent", "random", "--opponent", opponent, "--games", "2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(suggestion, r.Error);
    }

    [Fact]
    public void Resume_of_a_folder_without_a_checkpoint_is_a_clear_error()
    {
        string dir = TempDir();
        Directory.CreateDirectory(dir);
        try
        {
            var r = CliRunner.Run("train", "td-gammon", "--resume", dir, "--games", "1");
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("no TD-Gammon checkpoint", r.Error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class BackgammonPlayCommandTests
{
    [Fact]
    public void Play_draws_the_board_explains_an_illegal_play_and_lets_the_person_resign()
    {
        string input = Path.GetTempFileName();
        try
        {
            // Seed 1: pubeval starts with 5-3, then the person rolls 1-1.
            File.WriteAllLines(input, ["24/16", "24/23(2) 8/7(2)", "quit"]);
            var r = CliRunner.Run("backgammon", "play", "--agent", "pubeval", "--seed", "1", "--input", input);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains(" 13 14 15 16 17 18 |   | 19 20 21 22 23 24", r.Out);
            Assert.Contains("Your roll: 1-1", r.Out);
            Assert.Contains("illegal: That moves 8 pips; the roll 1-1 gives at most 4.", r.Out);
            Assert.Contains("pubeval rolls", r.Out);
            Assert.Contains("You resign", r.Out);
        }
        finally
        {
            File.Delete(input);
        }
    }
}

public sealed class BackgammonMatchSaveTests
{
    [Fact]
    public void Match_save_writes_every_game_as_a_jellyfish_mat_file()
    {
        string file = Path.Combine(Path.GetTempPath(), "bellman-" + Guid.NewGuid().ToString("N") + ".mat");
        try
        {
            var r = CliRunner.Run("backgammon", "match", "--agent", "pubeval", "--opponent", "random", "--games", "3", "--save", file);
            Assert.Equal(0, r.ExitCode);
            var lines = File.ReadAllLines(file);
            Assert.Equal(" 0 point match", lines[0]);
            Assert.Equal(3, lines.Count(l => l.StartsWith(" Game ", StringComparison.Ordinal)));
            Assert.Equal(3, lines.Count(l => l.TrimStart().StartsWith("Wins ", StringComparison.Ordinal)));
            Assert.Matches(@"^  1\) (\d\d: \S.*)?", lines.First(l => l.StartsWith("  1)", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
