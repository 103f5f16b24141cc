using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Environments;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;

namespace Bellman.Algorithms.Tests.Networks;

/// <summary>
/// Image observations end to end: the network factory's convolutional extractor (channels-last images
/// permuted to NCHW), compact replay storage of bool images, and learning on a task that needs the image.
/// </summary>
public sealed class ImageObservationTests
{
    /// <summary>
    /// A 6×6 image with two bool channels: one lit cell in channel 0 on the left or right half, and noise
    /// cells in channel 1. Action 0 = "left", 1 = "right": +1 when it matches the lit cell's half, −1 otherwise;
    /// 8 decisions per episode (truncated).
    /// </summary>
    private sealed class LeftOrRight() : Core.Environments.Environment(new Box(0f, 1f, 6, 6, 2) { ElementType = ElementType.Bool }, new Discrete(2))
    {
        private int _steps;
        private bool _right;

        protected override void ResetCore()
        {
            _steps = 0;
            Draw();
        }

        protected override StepResult StepCore(int action)
        {
            double reward = (action == 1) == _right ? 1 : -1;
            _steps++;
            Draw();
            return new StepResult(reward, Terminated: false, Truncated: _steps >= 8);
        }

        private void Draw()
        {
            var obs = ObservationBuffer;
            obs.Clear();
            int row = Random.Integers(6), column = Random.Integers(6);
            _right = column >= 3;
            obs[(row * 6 + column) * 2] = 1f;
            for (int k = 0; k < 4; k++) obs[(Random.Integers(6) * 6 + Random.Integers(6)) * 2 + 1] = 1f;
        }
    }

    private static readonly DqnOptions Cnn = new()
    {
        Policy = PolicyKind.Cnn, CnnFilters = [8], NetArch = [32], TotalSteps = 3_000, LearningStarts = 200, TrainFrequency = 1,
        BatchSize = 32, BufferSize = 5_000, LearningRate = 1e-3, TargetUpdateInterval = 200, ExplorationFraction = 0.3, EvalFrequency = 0, EvalEpisodes = 20,
    };

    [Fact]
    public void TheCnnExtractorPermutesChannelsLastImagesAndCountsFeatures()
    {
        var spec = new NetworkSpec(PolicyKind.Cnn, [32], [16, 4], CnnKernelSize: 3);
        var net = spec.Create([10, 10, 7], 5, Nn.Layers.Activation.ReLU, new Rng(0));
        string description = net.Describe().ToJsonString();
        Assert.Contains("nhwc_to_nchw", description);
        Assert.Contains("\"in_features\":144", description); // 4 filters × 6 × 6 after two 3×3 convolutions
        var g = new Graph();
        var q = net.Forward(g, g.Input(new float[2 * 700], new Shape(2, 10, 10, 7)));
        Assert.Equal(new Shape(2, 5), q.Shape);
        // Channels-first images need no permutation; images too small for the kernels are a clear error.
        Assert.DoesNotContain("nhwc", spec.Create([3, 8, 8], 2, Nn.Layers.Activation.ReLU, new Rng(0)).Describe().ToJsonString());
        var e = Assert.Throws<ArgumentException>(() => spec.Create([3, 3, 2], 2, Nn.Layers.Activation.ReLU, new Rng(0)));
        Assert.Contains("cnn_kernel_size", e.Message);
        e = Assert.Throws<ArgumentException>(() => spec.Create([4], 2, Nn.Layers.Activation.ReLU, new Rng(0)));
        Assert.Contains("policy = mlp", e.Message);
    }

    [Fact]
    public void BoolImagesAreStoredAsBitsAndComeBackExactly()
    {
        var buffer = new ReplayBuffer(100, 72, 1, discreteActions: true, observationType: ElementType.Bool);
        var rng = new Rng(3);
        var frames = new List<float[]>();
        for (int i = 0; i < 50; i++)
        {
            var f = new float[72];
            for (int k = 0; k < 72; k++) f[k] = rng.NextDouble() < 0.3 ? 1f : 0f;
            frames.Add(f);
        }
        for (int i = 0; i + 1 < frames.Count; i++) buffer.Add(frames[i], i % 2, 1.0, frames[i + 1], terminated: false, truncated: i % 10 == 9);
        var batch = new ReplayBatch(64, 72, 1);
        buffer.Sample(rng, batch, 0.99);
        for (int row = 0; row < 64; row++)
        {
            int slot = batch.Indices[row];
            Assert.Equal(frames[slot], batch.Observations.AsSpan(row * 72, 72).ToArray());
            Assert.Equal(frames[slot + 1], batch.NextObservations.AsSpan(row * 72, 72).ToArray());
        }
        // 9 bytes per observation instead of 288: a 1M-transition MinAtar-sized buffer (10×10×7 bools) stays near 0.1 GB.
        Assert.True(buffer.BytesPerTransition < 40, $"{buffer.BytesPerTransition} bytes per transition");
        var big = new ReplayBuffer(1_000_000, 700, 1, discreteActions: true, observationType: ElementType.Bool);
        Assert.True(big.AllocatedBytes < 200_000_000, $"{big.AllocatedBytes} bytes");
        var e = Assert.Throws<ArgumentException>(() => buffer.Add(new float[72] { 0.5f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, 0, new float[72], false, false));
        Assert.Contains("0.5", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(400)]
    [InlineData(701)]
    public void BitsComeBackExactlyForEverySizeIncludingAPartialLastByte(int size)
    {
        // The vector unpacking takes eight elements per byte; the tail after the last whole byte goes one by one.
        var store = new ObservationStore(ElementType.Bool, size, 5);
        var rng = new Rng(size);
        var frames = new float[5][];
        for (int n = 0; n < 5; n++)
        {
            frames[n] = new float[size];
            for (int k = 0; k < size; k++) frames[n][k] = rng.NextDouble() < (n == 0 ? 0.0 : n == 4 ? 1.0 : 0.4) ? 1f : 0f;
            store.Write(n, frames[n]);
        }
        var back = new float[size + 3];
        back.AsSpan().Fill(-7f);
        for (int n = 0; n < 5; n++)
        {
            store.Read(n, back);
            Assert.Equal(frames[n], back[..size]);
            Assert.Equal([-7f, -7f, -7f], back[size..]);
        }
    }

    [Fact]
    public void ConvolutionalDqnLearnsATaskThatNeedsTheImage()
    {
        using var model = new Dqn(() => new LeftOrRight(), Cnn, seed: 0);
        Assert.Equal(ElementType.Bool, model.Loop.Buffer!.ObservationType);
        double before = model.Evaluate().MeanReturn;
        model.Learn();
        double after = model.Evaluate().MeanReturn;
        // A policy blind to the image scores 0 on average; the best scores 8.
        Assert.True(after >= 6, $"CNN DQN: {before} -> {after}");
    }

    [Fact]
    public void ConvolutionalA2cRunsOnImagesWithBothArchitectures()
    {
        foreach (bool shared in new[] { false, true })
        {
            var options = new A2cOptions { Policy = PolicyKind.Cnn, CnnFilters = [4], NetArch = [16], NumEnvs = 2, TotalSteps = 400, EvalFrequency = 0, Shared = shared };
            using var model = new Bellman.A2c(() => new LeftOrRight(), options, seed: 1);
            model.Learn();
            Assert.Equal(400, model.State.Step);
            Assert.Equal(400 / 10, model.State.Updates);
            Assert.True(model.ActorCriticNetworkIsFinite());
        }
    }
}

internal static class NetworkChecks
{
    public static bool ActorCriticNetworkIsFinite(this Algorithm model) =>
        model.Agent.Networks.SelectMany(n => n.Module.Parameters()).All(p => p.Data.All(float.IsFinite));
}
