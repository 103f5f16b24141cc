using Bellman.Core.Environments;
using Bellman.Environments;
using Bellman.Environments.Rendering;
using Bellman.Environments.Wrappers;

namespace Bellman.Environments.Tests.Rendering;

public sealed class RenderingTests
{
    private static int CountColor(RgbFrame f, Rgb color)
    {
        int n = 0;
        for (int y = 0; y < f.Height; y++)
            for (int x = 0; x < f.Width; x++)
                if (f[x, y] == color) n++;
        return n;
    }

    private static int DifferingPixels(RgbFrame a, RgbFrame b)
    {
        int n = 0;
        for (int i = 0; i < a.Pixels.Length; i += 3)
            if (a.Pixels[i] != b.Pixels[i] || a.Pixels[i + 1] != b.Pixels[i + 1] || a.Pixels[i + 2] != b.Pixels[i + 2]) n++;
        return n;
    }

    [Fact]
    public void Polygon_and_circle_cover_their_area_and_nothing_outside()
    {
        var frame = new RgbFrame(40, 30);
        var c = new Canvas(frame, yUp: false);
        c.Clear(Rgb.White);
        var red = new Rgb(255, 0, 0);
        c.FillRectangle(2, 3, 10, 5, red);                   // pixel centres x 2.5..11.5, y 3.5..7.5
        Assert.Equal(50, CountColor(frame, red));
        Assert.Equal(red, frame[2, 3]);
        Assert.Equal(red, frame[11, 7]);
        Assert.Equal(Rgb.White, frame[12, 7]);
        Assert.Equal(Rgb.White, frame[2, 8]);

        c.Clear(Rgb.White);
        c.FillPolygon([(0, 0), (20, 0), (0, 20)], red);      // right triangle, area 200
        Assert.InRange(CountColor(frame, red), 190, 210);
        Assert.Equal(Rgb.White, frame[19, 19]);

        c.Clear(Rgb.White);
        c.FillCircle(20, 15, 8, red);                        // π·64 ≈ 201
        Assert.InRange(CountColor(frame, red), 190, 212);
        Assert.Equal(red, frame[20, 15]);
        Assert.Equal(Rgb.White, frame[20, 24]);
    }

    [Fact]
    public void Y_up_canvas_flips_rows_as_gymnasium_does()
    {
        var frame = new RgbFrame(10, 10);
        var c = new Canvas(frame, yUp: true);
        c.Clear(Rgb.White);
        c.FillRectangle(0, 0, 10, 2, Rgb.Black);             // the bottom two rows
        Assert.Equal(Rgb.Black, frame[5, 9]);
        Assert.Equal(Rgb.Black, frame[5, 8]);
        Assert.Equal(Rgb.White, frame[5, 7]);
        Assert.Equal(Rgb.White, frame[5, 0]);
    }

    [Theory]
    [InlineData("CartPole-v1", 600, 400)]
    [InlineData("MountainCar-v0", 600, 400)]
    [InlineData("MountainCarContinuous-v0", 600, 400)]
    [InlineData("Acrobot-v1", 500, 500)]
    [InlineData("Pendulum-v1", 500, 500)]
    [InlineData("FrozenLake-v1", 256, 256)]
    [InlineData("FrozenLake8x8-v1", 512, 512)]
    [InlineData("CliffWalking-v1", 720, 240)]
    [InlineData("Taxi-v4", 550, 350)]
    [InlineData("GridWorld-v0", 256, 256)]
    [InlineData("MinAtar/Breakout-v1", 320, 320)]
    [InlineData("MinAtar/Seaquest-v1", 320, 320)]
    public void Frames_have_gymnasium_sizes_and_change_with_the_state(string id, int width, int height)
    {
        var env = EnvRegistry.Default.Make(id);
        var renderer = EnvironmentRenderers.Create(env);
        env.Reset(1);
        RgbFrame first = renderer.Render();
        Assert.Equal((width, height), (first.Width, first.Height));
        Assert.Equal(first.Pixels, renderer.Render().Pixels);   // drawing is a pure function of the state
        RgbFrame later = first;
        var action = new float[env.ActionSpace.FlatSize];
        var rng = new Rng(2);
        for (int t = 0; t < 30 && DifferingPixels(first, later) == 0; t++)
        {
            env.ActionSpace.Sample(rng, action);
            var r = env.Step(action);
            later = renderer.Render();
            if (r.Terminated || r.Truncated) env.Reset(10 + t);
        }
        Assert.True(DifferingPixels(first, later) > 0, $"{id}: 30 random steps left the picture unchanged.");
    }

    [Fact]
    public void CartPole_pole_leans_the_way_theta_says()
    {
        var env = (IStatefulEnvironment)EnvRegistry.Default.Make("CartPole-v1").Unwrap();
        var renderer = EnvironmentRenderers.Create(env);
        var pole = new Rgb(202, 152, 101);
        env.ResetToState([0, 0, 0.3, 0]);                    // θ > 0: the pole falls to the right
        RgbFrame right = renderer.Render();
        env.ResetToState([0, 0, -0.3, 0]);
        RgbFrame left = renderer.Render();
        // 80 px above the axle (row 400 − 107.5 − 80), the pole is right of the cart's centre (x = 300) in one and left in the other.
        int row = 212;
        int Column(RgbFrame f) => Enumerable.Range(0, 600).First(x => f[x, row] == pole);
        Assert.InRange(Column(right), 315, 335);             // 300 + 80·tan(0.3) ≈ 325
        Assert.InRange(Column(left), 265, 285);
        env.ResetToState([1, 0, 0, 0]);                      // cart at x = 1: centre at 300 + 125
        Assert.Equal(Rgb.Black, renderer.Render()[425, 310]);
        Assert.Equal(Rgb.White, renderer.Render()[300, 310]);
    }

    [Fact]
    public void Recorder_hands_over_the_reset_frame_and_one_per_step()
    {
        var env = EnvRegistry.Default.Make("CartPole-v1");
        var recorder = new EpisodeRecorder(env);
        var frames = new List<RecordedFrame>();
        var returns = recorder.Record((_, a) => a[0] = 1, episodes: 2, seed: 5, frames.Add);
        Assert.Equal(2, returns.Count);
        var first = frames.Where(f => f.Episode == 0).ToList();
        Assert.Equal(returns[0] + 1, first.Count);              // reward 1 per step, plus the reset frame
        Assert.Null(first[0].Action);
        Assert.Equal("1", first[1].Action);
        Assert.True(first[^1].Terminated);
        Assert.Equal(returns[0], first[^1].Return);
        var capped = new List<RecordedFrame>();
        recorder.Record((_, a) => a[0] = 0, 1, 5, capped.Add, maxSteps: 3);
        Assert.Equal(4, capped.Count);
        Assert.True(capped[^1].Truncated);
    }

    [Theory]
    [InlineData("MinAtar/Breakout-v1")]
    [InlineData("MinAtar/Freeway-v1")]
    [InlineData("MinAtar/Seaquest-v1")]
    public void A_minatar_cell_has_the_palette_colour_of_its_highest_true_channel(string id)
    {
        var env = EnvRegistry.Default.Make(id);
        var renderer = EnvironmentRenderers.Create(env);
        env.Reset(3);
        var action = new float[1];
        // A few no-op steps (or until the episode ends), so that the objects have moved from their start.
        for (int t = 0; t < 4 && env.Step(action) is { Terminated: false, Truncated: false }; t++) { }
        RgbFrame frame = renderer.Render();
        int channels = env.ObservationSpace.Shape[2];
        var palette = Bellman.Environments.MinAtar.MinAtarPalette.Colors(channels);
        var obs = env.Observation;
        int drawn = 0;
        for (int row = 0; row < 10; row++)
            for (int col = 0; col < 10; col++)
            {
                int top = -1;
                for (int c = 0; c < channels; c++) if (obs[(row * 10 + col) * channels + c] != 0) top = c;
                var (r, g, b) = palette[top + 1];
                if (top >= 0) drawn++;
                // Every pixel of the 32 x 32 cell, corners and centre.
                foreach (var (dx, dy) in new[] { (0, 0), (31, 0), (0, 31), (31, 31), (16, 16) })
                    Assert.Equal(new Rgb(r, g, b), frame[col * 32 + dx, row * 32 + dy]);
            }
        Assert.True(drawn > 0, $"{id}: no object on the grid");
    }

    [Fact]
    public void An_environment_without_a_renderer_is_a_clear_error()
    {
        var env = new CounterEnv();
        var e = Assert.Throws<NotSupportedException>(() => EnvironmentRenderers.Create(env));
        Assert.Contains("CartPole-v1", e.Message);
    }
}
