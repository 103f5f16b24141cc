using System.Text;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Bellman.Nn.Tensor;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Bellman.Cli.Tests.Commands;

/// <summary>
/// The README's "watch it, follow it, ship it" commands end to end through the CLI: a default training run
/// leaves a GIF of its greedy policy and TensorBoard events; <c>bellman export RUN --onnx</c> writes a model
/// that ONNX Runtime runs to Bellman's own actions and outputs (within 1e-5); <c>bellman render RUN</c> draws it.
/// </summary>
public sealed class EcosystemCommandsTests : IDisposable
{
    private const float Tolerance = 1e-5f;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bellman-cli-ecosystem-" + Guid.NewGuid().ToString("N"));

    public EcosystemCommandsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
    }

    private static readonly string[] SmallDqn =
    [
        "--set", "learning_starts=100", "--set", "eval_freq=300", "--set", "eval_episodes=2", "--set", "net_arch=[16]",
        "--set", "buffer_size=1000", "--set", "batch_size=16",
    ];

    [Fact]
    public void A_default_cartpole_run_gets_a_gif_and_tensorboard_events_and_exports_to_onnx()
    {
        string dir = Path.Combine(_root, "cartpole");
        var r = CliRunner.Run(["train", "dqn", "--env", "CartPole-v1", "--steps", "600", "--seed", "3", "--out", dir, .. SmallDqn]);
        Assert.True(r.ExitCode == 0, r.Error);

        string gif = Path.Combine(dir, "episode.gif");
        Assert.Contains($"video: {gif}", r.Out);
        Assert.False(File.Exists(gif + ".tmp"));
        using (var image = Image.Load<Rgb24>(gif))
        {
            Assert.Equal((600, 400), (image.Width, image.Height));
            // One greedy episode, every second frame plus the last: its return (CartPole pays 1 a step) fixes the count.
            string video = Assert.Single(r.Lines, l => l.StartsWith("video: ", StringComparison.Ordinal));
            int steps = int.Parse(video.Split("return ")[1].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(steps, 1, 500);
            Assert.Equal(steps / 2 + 1 + steps % 2, image.Frames.Count);
        }

        // TensorBoard: one event file under RUN/tensorboard with SB3's tags (the format is checked in TensorBoardWriterTests).
        string events = Assert.Single(Directory.GetFiles(Path.Combine(dir, "tensorboard"), "events.out.tfevents.*"));
        string text = Encoding.UTF8.GetString(File.ReadAllBytes(events));
        Assert.Contains("rollout/ep_rew_mean", text);
        Assert.Contains("eval/mean_reward", text);

        // `bellman export RUN --onnx`: ONNX Runtime gives the run's greedy actions and Q-values.
        string onnx = Path.Combine(_root, "cartpole.onnx");
        var export = CliRunner.Run("export", dir, "--onnx", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        using (var algorithm = Algorithm.Load(Path.Combine(dir, "checkpoints", File.Exists(Path.Combine(dir, "checkpoints", "best.json")) ? "best" : "latest")))
        {
            const int batch = 8;
            var rng = new Rng(5);
            float[] obs = [.. Enumerable.Range(0, batch * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
            var outputs = RunOnnx(File.ReadAllBytes(onnx), obs, [batch, 4]);
            var agent = Assert.IsType<DqnAgent>(algorithm.Agent);
            AssertClose(Forward(agent.Q.Forward, obs, new Shape(batch, 4)), (float[])outputs["q"]);
            Assert.Equal(Enumerable.Range(0, batch).Select(i => (long)algorithm.Predict(obs.AsSpan(i * 4, 4))), (long[])outputs["action"]);
        }

        // `bellman render RUN` draws the same greedy policy again.
        string again = Path.Combine(_root, "again.gif");
        var render = CliRunner.Run("render", dir, "--out", again, "--max-steps", "20");
        Assert.True(render.ExitCode == 0, render.Error);
        using (var image = Image.Load(again)) Assert.True(image.Frames.Count >= 2);
    }

    [Fact]
    public void No_video_writes_no_gif_and_a_minatar_run_gets_its_grid_as_a_gif()
    {
        string quiet = Path.Combine(_root, "quiet");
        var r = CliRunner.Run(["train", "dqn", "--env", "CartPole-v1", "--steps", "200", "--out", quiet, "--no-video", .. SmallDqn]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.False(File.Exists(Path.Combine(quiet, "episode.gif")));
        Assert.DoesNotContain("video:", r.Out);

        // MinAtar's grid is drawn as its GUI draws it (10 x 10 cells of 32 pixels).
        string minatar = Path.Combine(_root, "minatar");
        r = CliRunner.Run("train", "dqn", "--env", "MinAtar/Breakout-v1", "--steps", "60", "--out", minatar, "--set", "learning_starts=40",
            "--set", "buffer_size=100", "--set", "batch_size=8", "--set", "eval_freq=0", "--set", "cnn_filters=[4]", "--set", "net_arch=[8]");
        Assert.True(r.ExitCode == 0, r.Error);
        using (var gif = SixLabors.ImageSharp.Image.Load(Path.Combine(minatar, "episode.gif")))
            Assert.Equal((320, 320), (gif.Width, gif.Height));
        Assert.Contains("video: ", r.Out);
        Assert.Contains("\"status\": \"completed\"", File.ReadAllText(Path.Combine(minatar, "summary.json")));
    }

    /// <summary>Trains <paramref name="train"/> into a run folder, exports it through the CLI and loads the checkpoint the export used.</summary>
    private (Algorithm Algorithm, byte[] Model) TrainAndExport(string name, params string[] train)
    {
        string dir = Path.Combine(_root, name), onnx = Path.Combine(_root, name + ".onnx");
        var r = CliRunner.Run(["train", .. train, "--out", dir, "--no-video", "--set", "eval_freq=0"]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.False(File.Exists(Path.Combine(dir, "checkpoints", "best.json"))); // eval_freq=0: the export reads latest
        var export = CliRunner.Run("export", dir, "--onnx", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("opset 13", export.Out);
        return (Algorithm.Load(Path.Combine(dir, "checkpoints", "latest")), File.ReadAllBytes(onnx));
    }

    private static Dictionary<string, Array> RunOnnx(byte[] model, float[] obs, int[] dims)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("obs", new DenseTensor<float>(obs, dims))]);
        return results.ToDictionary(v => v.Name, v => v.Value switch
        {
            Microsoft.ML.OnnxRuntime.Tensors.Tensor<float> f => (Array)f.ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.Tensor<long> l => l.ToArray(),
            var other => throw new InvalidOperationException($"Unexpected output type {other?.GetType()}."),
        });
    }

    private static float[] Forward(Func<Graph, Tensor, Tensor> net, float[] obs, Shape shape)
    {
        var g = new Graph();
        using var _ = g.NoGrad();
        return net(g, g.Input(obs, shape)).Data.ToArray();
    }

    private static float[] GreedyRows(IAgent agent, float[] obs, int rows, int actionSize)
    {
        int size = obs.Length / rows;
        var actions = new float[rows * actionSize];
        for (int i = 0; i < rows; i++) agent.Greedy(obs.AsSpan(i * size, size), actions.AsSpan(i * actionSize, actionSize));
        return actions;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= Tolerance, $"Output {i}: Bellman {expected[i]}, ONNX Runtime {actual[i]}.");
    }

    [Theory]
    [InlineData("td3", "actor")]
    [InlineData("sac", "mean")]
    public void Exported_continuous_actor_runs_in_onnx_runtime_to_bellmans_actions(string algo, string rawName)
    {
        var (algorithm, model) = TrainAndExport(algo, algo, "--env", "Pendulum-v1", "--steps", "300", "--seed", "1",
            "--set", "learning_starts=100", "--set", "batch_size=16", "--set", "net_arch=[16,16]", "--set", "buffer_size=1000");
        using (algorithm)
        {
            Assert.Equal(300, algorithm.State.Step);
            const int batch = 12;
            var rng = new Rng(7);
            // Pendulum's observation box is cos, sin in [-1, 1] and the angular velocity in [-8, 8]; scale 8 saturates tanh too.
            float[] obs = [.. Enumerable.Range(0, batch * 3).Select(i => (float)((rng.NextDouble() * 2 - 1) * (i % 3 == 2 ? 8 : 1)))];
            var outputs = RunOnnx(model, obs, [batch, 3]);
            Assert.Equal(new[] { "action", rawName }, outputs.Keys.Order());
            float[] raw = algorithm.Agent switch
            {
                Td3Agent t => Forward(t.Actor.Forward, obs, new Shape(batch, 3)),
                SacAgent s => Forward((g, x) => s.Actor.Distribution(g, x).Mean, obs, new Shape(batch, 3)),
                var a => throw new InvalidOperationException(a.GetType().Name),
            };
            AssertClose(raw, (float[])outputs[rawName]);
            float[] greedy = GreedyRows(algorithm.Agent, obs, batch, 1);
            Assert.All(greedy, a => Assert.InRange(a, -2f, 2f));
            AssertClose(greedy, (float[])outputs["action"]);
        }
    }

    [Fact]
    public void Exported_conv_q_network_of_a_minatar_run_runs_in_onnx_runtime_to_bellmans_actions()
    {
        var (algorithm, model) = TrainAndExport("breakout", "dqn", "--env", "MinAtar/Breakout-v1", "--steps", "300", "--seed", "2",
            "--set", "learning_starts=100", "--set", "buffer_size=500", "--set", "batch_size=8", "--set", "train_freq=4");
        using (algorithm)
        {
            var agent = Assert.IsType<DqnAgent>(algorithm.Agent);
            int[] shape = [.. agent.ObservationSpace.Shape];
            Assert.Equal([10, 10, 4], shape);
            const int batch = 6;
            int size = shape.Aggregate(1, (p, d) => p * d);
            var rng = new Rng(9);
            float[] obs = [.. Enumerable.Range(0, batch * size).Select(_ => rng.NextDouble() < 0.15 ? 1f : 0f)]; // sparse 0/1 grids as MinAtar draws
            var outputs = RunOnnx(model, obs, [batch, .. shape]);
            AssertClose(Forward(agent.Q.Forward, obs, new Shape(batch, shape[0], shape[1], shape[2])), (float[])outputs["q"]);
            Assert.Equal(GreedyRows(agent, obs, batch, 1).Select(a => (long)a), (long[])outputs["action"]);
            Assert.Equal(((Discrete)agent.ActionSpace).N * batch, ((float[])outputs["q"]).Length);
        }
    }
}
