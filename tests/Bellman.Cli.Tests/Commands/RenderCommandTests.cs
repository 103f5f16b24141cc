using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace Bellman.Cli.Tests.Commands;

public sealed class RenderCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-render-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static double[] Returns(CliRunner.Result r) =>
        [.. r.Lines.Where(l => l.StartsWith("episode ", StringComparison.Ordinal)).Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))];

    [Fact]
    public void Gif_has_one_frame_per_state_and_decodes()
    {
        string gif = Path.Combine(_root, "cartpole.gif");
        var r = CliRunner.Run("render", "--env", "CartPole-v1", "--episodes", "2", "--seed", "4", "--max-steps", "12", "--out", gif);
        Assert.True(r.ExitCode == 0, r.Error);
        double[] returns = Returns(r);
        Assert.Equal(2, returns.Length);
        int expectedFrames = (int)(returns[0] + 1 + returns[1] + 1); // CartPole pays 1 per step; plus each reset frame
        using var image = Image.Load<Rgb24>(gif);
        Assert.Equal((600, 400), (image.Width, image.Height));
        Assert.Equal(expectedFrames, image.Frames.Count);
        Assert.Equal(2, image.Frames[1].Metadata.GetGifMetadata().FrameDelay);  // 50 fps
        Assert.False(File.Exists(gif + ".tmp"));
        // The corner text is drawn: dark pixels in the top-left box, where CartPole's scene is white.
        Assert.Contains(Enumerable.Range(0, 40), x => image.Frames.RootFrame[x, 6].R < 100);
        // Gymnasium's colours survive the GIF palette: the pole's tan above the axle, the black cart below it.
        Assert.Contains(Enumerable.Range(280, 40), x => image.Frames.RootFrame[x, 250] == new Rgb24(202, 152, 101));
        Assert.Equal(new Rgb24(0, 0, 0), image.Frames.RootFrame[300, 310]);
        // Frames differ as the pole moves.
        Assert.True(FramesDiffer(image, 0, expectedFrames / 2));
        Assert.Contains($"({expectedFrames} frames", r.Out);
    }

    private static bool FramesDiffer(Image<Rgb24> image, int a, int b)
    {
        for (int y = 40; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (image.Frames[a][x, y] != image.Frames[b][x, y]) return true;
        return false;
    }

    [Fact]
    public void Same_seed_gives_the_same_gif()
    {
        string a = Path.Combine(_root, "a.gif"), b = Path.Combine(_root, "b.gif");
        Assert.Equal(0, CliRunner.Run("render", "--env", "Acrobot-v1", "--seed", "1", "--max-steps", "5", "--out", a).ExitCode);
        Assert.Equal(0, CliRunner.Run("render", "--env", "Acrobot-v1", "--seed", "1", "--max-steps", "5", "--out", b).ExitCode);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void Png_strip_and_folder()
    {
        string strip = Path.Combine(_root, "strip.png");
        var r = CliRunner.Run("render", "--env", "FrozenLake-v1", "--seed", "0", "--max-steps", "20", "--strip-frames", "3", "--out", strip);
        Assert.True(r.ExitCode == 0, r.Error);
        using (var image = Image.Load<Rgb24>(strip)) Assert.Equal((3 * 256 + 2 * 4, 256), (image.Width, image.Height));

        string folder = Path.Combine(_root, "frames");
        r = CliRunner.Run("render", "--env", "Pendulum-v1", "--max-steps", "4", "--out", folder);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(5, Directory.GetFiles(folder, "frame_*.png").Length);
        using (var image = Image.Load<Rgb24>(Path.Combine(folder, "frame_00004.png"))) Assert.Equal((500, 500), (image.Width, image.Height));
    }

    [Fact]
    public void Every_k_keeps_fewer_frames_and_the_last()
    {
        string gif = Path.Combine(_root, "every.gif");
        var r = CliRunner.Run("render", "--env", "MountainCar-v0", "--max-steps", "10", "--every", "4", "--out", gif);
        Assert.True(r.ExitCode == 0, r.Error);
        using var image = Image.Load(gif);
        Assert.Equal(4, image.Frames.Count); // steps 0, 4, 8 and the cut at 10
    }

    [Theory]
    [InlineData("--env", "CartPole-v1", "--out", "x.bmp", "unknown extension '.bmp'")]
    [InlineData("--env", "CartPole-v1", "--episodes", "0", "--episodes must be positive")]
    [InlineData("--out", "x.gif", "--env is required")]
    [InlineData("--env", "CartPole-v1", "--out is required")]
    public void Bad_input_is_a_clear_error(params string[] argsAndMessage)
    {
        string[] args = ["render", .. argsAndMessage[..^1]];
        var r = CliRunner.Run(args);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(argsAndMessage[^1], r.Error + r.Out);
    }
}
