using System.Text.Json;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// <c>bellman env rollout</c> and <c>env random</c> on MinAtar: the rollout's observations (true-cell
/// indices), rewards, terminals and executed actions equal episodes recorded from MinAtar's Python code
/// (Data/minatar_rollouts.json).
/// </summary>
public class MinAtarCommandsTests
{
    public static TheoryData<int> Episodes() => [0, 1];

    [Theory]
    [MemberData(nameof(Episodes))]
    public void RolloutPrintsMinAtarsEpisode(int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "minatar_rollouts.json")));
        var e = doc.RootElement.GetProperty("episodes")[index];
        string actions = e.GetProperty("actions").GetRawText();
        var r = CliRunner.Run("env", "rollout", "--env", e.GetProperty("env").GetString()!, "--seed", e.GetProperty("seed").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), "--actions", actions);
        Assert.Equal(0, r.ExitCode);
        var states = e.GetProperty("states").EnumerateArray().ToArray();
        Assert.Equal(states.Length + 1, r.Lines.Length);
        Assert.Equal(Ints(e.GetProperty("initial_state")), Ints(Parse(r.Lines[0]).GetProperty("obs")));
        for (int t = 0; t < states.Length; t++)
        {
            var line = Parse(r.Lines[t + 1]);
            Assert.Equal(Ints(states[t]), Ints(line.GetProperty("obs")));
            Assert.Equal(e.GetProperty("rewards")[t].GetDouble(), line.GetProperty("reward").GetDouble());
            Assert.Equal(e.GetProperty("terminals")[t].GetBoolean(), line.GetProperty("terminated").GetBoolean());
            Assert.Equal(e.GetProperty("executed_actions")[t].GetInt32(), line.GetProperty("executed_action").GetInt32());
        }
    }

    [Fact]
    public void RandomRunsEpisodes()
    {
        var r = CliRunner.Run("env", "random", "--env", "MinAtar/SpaceInvaders-v1", "--episodes", "3", "--seed", "4");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("episode 3: return", r.Out);
        Assert.Contains("over 3 episodes", r.Out);
    }

    [Fact]
    public void AMisspeltOptionNamesTheClosestOne()
    {
        var r = CliRunner.Run("env", "rollout", "--env", "MinAtar/Breakout-v1", "--option", "sticky_action=0", "--seed", "0", "--actions", "[0]");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("sticky_action_prob", r.Out + r.Error);
    }

    [Fact]
    public void RenderWritesAGifOfTheEpisodeInMinAtarsColours()
    {
        string dir = Directory.CreateTempSubdirectory("bellman-render-").FullName;
        try
        {
            string gif = Path.Combine(dir, "breakout.gif");
            var r = CliRunner.Run("env", "render", "--env", "MinAtar/Breakout-v0", "--seed", "0", "--actions", "[3,3,0]", "--cell", "4", "--out", gif);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("4 frames", r.Out);
            using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(gif);
            Assert.Equal(4, image.Frames.Count);
            Assert.Equal(40, image.Width);
            // Row 1 is bricks (channel 3, the 4th cubehelix colour of 4); row 0 is empty (black).
            var brick = Bellman.Environments.MinAtar.MinAtarPalette.Colors(4)[4];
            var pixel = image.Frames.RootFrame[2, 6];
            Assert.Equal((brick.R, brick.G, brick.B), (pixel.R, pixel.G, pixel.B));
            var empty = image.Frames.RootFrame[2, 2];
            Assert.Equal((0, 0, 0), (empty.R, empty.G, empty.B));

            string png = Path.Combine(dir, "frame.png");
            r = CliRunner.Run("env", "render", "--env", "MinAtar/Freeway-v1", "--seed", "1", "--max-steps", "2", "--out", png);
            Assert.Equal(0, r.ExitCode);
            Assert.True(File.Exists(Path.Combine(dir, "frame_0000.png")));
            Assert.True(File.Exists(Path.Combine(dir, "frame_0002.png")));
            Assert.False(File.Exists(Path.Combine(dir, "frame_0003.png")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RenderOfANonGridEnvironmentIsAClearError()
    {
        var r = CliRunner.Run("env", "render", "--env", "CartPole-v1", "--out", Path.Combine(Path.GetTempPath(), "never.gif"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("MinAtar", r.Out + r.Error);
    }

    private static JsonElement Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    private static int[] Ints(JsonElement a) => [.. a.EnumerateArray().Select(x => x.GetInt32())];
}
