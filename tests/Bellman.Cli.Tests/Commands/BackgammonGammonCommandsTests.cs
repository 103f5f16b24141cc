using System.Text.Json;
using Bellman.Backgammon.Gnubg;

namespace Bellman.Cli.Tests.Commands;

/// <summary>The five-output network through the CLI, <c>match --rate</c> and <c>backgammon plot</c>.</summary>
public sealed class BackgammonGammonCommandsTests
{
    private static string TempDir() => Path.Combine(Path.GetTempPath(), "bellman-cli-td5-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_five_output_run_trains_plots_and_plays_a_rated_match()
    {
        string dir = TempDir();
        try
        {
            var r = CliRunner.Run("train", "td-gammon", "--outputs", "5", "--games", "40", "--eval-every", "20", "--eval-games", "4", "--hidden", "8", "--out", dir, "--seed", "3");
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Contains("5 outputs", r.Out);
            using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "config.json"))))
                Assert.Equal("max cubeless money equity", config.RootElement.GetProperty("move_choice").GetString());

            string png = Path.Combine(dir, "strength.png");
            var p = CliRunner.Run("backgammon", "plot", dir, "--out", png);
            Assert.True(p.ExitCode == 0, p.Error);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));

            var m = CliRunner.Run("backgammon", "match", "--agent", dir, "--opponent", "random", "--games", "4", "--rate", "2", "--json");
            Assert.True(m.ExitCode == 0, m.Error);
            using var doc = JsonDocument.Parse(m.Out);
            var root = doc.RootElement;
            Assert.Equal(4, root.GetProperty("games").GetInt32());
            if (GnubgPlayer.Locate() is null)
            {
                Assert.Equal(JsonValueKind.Null, root.GetProperty("rating").ValueKind);
                Assert.Contains("not installed", root.GetProperty("rating_skipped").GetString());
            }
            else
            {
                var rating = root.GetProperty("rating");
                Assert.Equal(2, rating.GetProperty("games").GetInt32());
                var agent = rating.GetProperty("agent");
                Assert.True(agent.GetProperty("unforced_moves").GetInt32() > 0);
                Assert.True(agent.GetProperty("unforced_moves").GetInt32() <= agent.GetProperty("total_moves").GetInt32());
                double memg = agent.GetProperty("error_rate_memg").GetDouble();
                Assert.Equal(memg / 2, agent.GetProperty("pr").GetDouble(), 9);
                Assert.True(memg > 0, "an 8-unit network after 40 games gives up equity somewhere");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(new[] { "train", "td-gammon", "--outputs", "4", "--games", "1" }, "--outputs must be 1")]
    [InlineData(new[] { "backgammon", "match", "--agent", "random", "--rate", "-1" }, "--rate must be")]
    [InlineData(new[] { "backgammon", "plot", "no-such-run-folder" }, "no metrics.csv")]
    public void Bad_gammon_options_are_one_line_errors(string[] args, string fragment)
    {
        var r = CliRunner.Run(args);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(fragment, r.Error + r.Out);
        Assert.DoesNotContain("   at ", r.Error);
    }
}
