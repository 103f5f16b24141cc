using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Export;
using Bellman.Algorithms.Networks;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Bellman.Algorithms.Tests.Export;

/// <summary>Runs exported models in ONNX Runtime and compares them with Bellman's own forward pass.</summary>
public sealed class OnnxExportTests
{
    private static float[] Observations(int count, int seed, float scale = 2f) => OnnxRun.Observations(count, seed, scale);

    private static float[] BellmanForward(Module net, float[] obs, Shape shape) => OnnxRun.BellmanForward(net, obs, shape);

    private static Dictionary<string, Array> RunOnnx(byte[] model, float[] obs, int[] dims) => OnnxRun.Run(model, obs, dims);

    private static void AssertClose(float[] expected, float[] actual) => OnnxRun.AssertClose(expected, actual);

    private static long[] ArgMaxRows(float[] values, int rows) => OnnxRun.ArgMaxRows(values, rows);

    internal static void AssertDiscreteMatches(Module net, OnnxPolicySpec spec, string rawName, int batch, int[] obsShape, int seed)
    {
        int size = obsShape.Aggregate(1, (p, d) => p * d);
        float[] obs = Observations(batch * size, seed);
        Shape shape = obsShape.Length switch
        {
            1 => new Shape(batch, obsShape[0]),
            3 => new Shape(batch, obsShape[0], obsShape[1], obsShape[2]),
            _ => throw new ArgumentException("test shapes are 1-D or 3-D"),
        };
        float[] expected = BellmanForward(net, obs, shape);
        var outputs = RunOnnx(OnnxPolicyExporter.Encode(spec), obs, [batch, .. obsShape]);
        Assert.Equal(new[] { "action", rawName }, outputs.Keys.Order());
        AssertClose(expected, (float[])outputs[rawName]);
        Assert.Equal(ArgMaxRows(expected, batch), (long[])outputs["action"]);
    }

    [Fact]
    public void Mlp_dqn_matches_bellman()
    {
        var net = QNetwork.Create([4], 3, NetworkSpec.MlpOf([32, 16]), dueling: false, new Rng(1));
        AssertDiscreteMatches(net, OnnxPolicySpecs.FromQNetwork(net, [4]), "q", batch: 9, [4], seed: 11);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(18)] // ReduceMean takes its axes as an input from opset 18 on
    public void Dueling_dqn_matches_bellman(int opset)
    {
        var net = QNetwork.Create([6], 4, NetworkSpec.MlpOf([24, 12]), dueling: true, new Rng(2));
        var spec = OnnxPolicySpecs.FromQNetwork(net, [6]) with { Opset = opset };
        Assert.NotNull(spec.Dueling);
        AssertDiscreteMatches(net, spec, "q", batch: 8, [6], seed: 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Categorical_actor_critic_policy_matches_bellman(bool shared)
    {
        var net = new ActorCriticNetwork([5], 3, NetworkSpec.MlpOf([16, 16]), Activation.Tanh, shared, critic: true, logStdInit: null, orthogonalInit: false, new Rng(3));
        AssertDiscreteMatches(net, OnnxPolicySpecs.FromActorCritic(net, [5]), "logits", batch: 10, [5], seed: 13);
    }

    [Fact]
    public void Ac_lambda_network_with_silu_and_dsilu_matches_bellman()
    {
        // MinAtar's AC(lambda) network: Conv -> SiLU -> Linear -> dSiLU (the Mul/Sigmoid/Add/Sub nodes of the export).
        var spec = new NetworkSpec(PolicyKind.Cnn, [16], [4], CnnActivation: Activation.SiLU);
        var net = new ActorCriticNetwork([10, 10, 3], 5, spec, Activation.DSiLU, shared: true, critic: true, logStdInit: null, orthogonalInit: false, new Rng(8));
        AssertDiscreteMatches(net, OnnxPolicySpecs.FromActorCritic(net, [10, 10, 3]), "logits", batch: 4, [10, 10, 3], seed: 18);
    }

    [Fact]
    public void Gaussian_actor_critic_policy_outputs_the_mean_and_the_mean_clipped_to_the_box()
    {
        var net = new ActorCriticNetwork([3], 2, NetworkSpec.MlpOf([16]), Activation.Tanh, shared: false, critic: true, logStdInit: -0.5f, orthogonalInit: false, new Rng(4));
        var box = new Box([-0.05f, -2f], [0.1f, 2f]);
        const int batch = 12;
        float[] obs = Observations(batch * 3, 14, scale: 5f);
        float[] mean = BellmanForward(net, obs, new Shape(batch, 3));
        var outputs = RunOnnx(OnnxPolicyExporter.Encode(OnnxPolicySpecs.FromActorCritic(net, [3], box)), obs, [batch, 3]);
        AssertClose(mean, (float[])outputs["mean"]);
        float[] expected = [.. mean.Select((m, i) => Math.Clamp(m, box.Low[i % 2], box.High[i % 2]))];
        AssertClose(expected, (float[])outputs["action"]);
        Assert.Contains(mean.Where((m, i) => i % 2 == 0), m => m < -0.05f || m > 0.1f); // the clip is exercised
    }

    [Fact]
    public void Conv_q_network_matches_bellman()
    {
        var rs = new Rng(5);
        var net = new Sequential(
            new Conv2d(2, 4, 3, rs, stride: 2, padding: 1), new ReLU(),
            new Conv2d(4, 3, 3, rs), new ReLU(),
            new Flatten(), new Linear(3 * 3 * 3, 8, rs), new ReLU(), new Linear(8, 5, rs));
        AssertDiscreteMatches(net, OnnxPolicySpecs.FromQNetwork(net, [2, 10, 10]), "q", batch: 3, [2, 10, 10], seed: 15);
    }

    [Fact]
    public void Squashed_actor_is_rescaled_from_tanh_space_to_the_bounds()
    {
        var net = Mlp.Create([3, 8, 2], Activation.ReLU, new Rng(6));
        float[] low = [-2f, 0f], high = [2f, 1f];
        var spec = new OnnxPolicySpec([3], OnnxPolicySpecs.Layers(net), new OnnxRescaledOutput(low, high, Squash: true));
        const int batch = 6;
        float[] obs = Observations(batch * 3, 16, scale: 4f);
        float[] raw = BellmanForward(net, obs, new Shape(batch, 3));
        var outputs = RunOnnx(OnnxPolicyExporter.Encode(spec), obs, [batch, 3]);
        AssertClose(raw, (float[])outputs["actor"]);
        float[] expected = [.. raw.Select((r, i) => low[i % 2] + (MathF.Tanh(r) + 1) / 2 * (high[i % 2] - low[i % 2]))];
        AssertClose(expected, (float[])outputs["action"]);
    }

    [Fact]
    public void The_batch_dimension_is_dynamic()
    {
        var net = QNetwork.Create([2], 2, NetworkSpec.MlpOf([4]), dueling: false, new Rng(7));
        byte[] model = OnnxPolicyExporter.Encode(OnnxPolicySpecs.FromQNetwork(net, [2]));
        Assert.Single((long[])RunOnnx(model, [0.5f, -0.5f], [1, 2])["action"]);
        Assert.Equal(5, ((long[])RunOnnx(model, Observations(10, 17), [5, 2])["action"]).Length);
    }

    [Fact]
    public void Exporting_reads_the_network_without_changing_it()
    {
        var net = QNetwork.Create([4], 2, NetworkSpec.MlpOf([8]), dueling: true, new Rng(8));
        var before = net.Parameters().Select(p => (p.Name, (float[])p.Data.Clone())).ToList();
        OnnxPolicyExporter.Encode(OnnxPolicySpecs.FromQNetwork(net, [4]));
        Assert.Equal(before.Select(b => b.Name), net.Parameters().Select(p => p.Name));
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Item2, net.Parameters()[i].Data);
    }

    [Fact]
    public void Declares_ir_version_and_opset()
    {
        var net = QNetwork.Create([2], 2, NetworkSpec.MlpOf([4]), dueling: false, new Rng(9));
        using var session = new InferenceSession(OnnxPolicyExporter.Encode(OnnxPolicySpecs.FromQNetwork(net, [2]) with { Description = "DQN on test" }));
        Assert.Equal("Bellman", session.ModelMetadata.ProducerName);
        Assert.Equal("DQN on test", session.ModelMetadata.Description);
        Assert.Equal(7, OnnxPolicyExporter.IrVersion(13));
        Assert.Equal(new[] { -1L, 2 }, session.InputMetadata["obs"].Dimensions.Select(d => (long)d));
    }

    [Fact]
    public void A_layer_that_does_not_fit_is_named()
    {
        var spec = new OnnxPolicySpec([4], [new OnnxLinear(4, 3, new float[12], null), new OnnxActivation(Activation.ReLU), new OnnxLinear(5, 2, new float[10], null)], new OnnxDiscreteOutput());
        var e = Assert.Throws<ArgumentException>(spec.Validate);
        Assert.Contains("layer 2: Linear(5 → 2)", e.Message);
        var bounds = new OnnxPolicySpec([4], [new OnnxLinear(4, 2, new float[8], null)], new OnnxRescaledOutput([-1, float.NegativeInfinity], [1, 1], Squash: false));
        Assert.Contains("finite bounds", Assert.Throws<ArgumentException>(bounds.Validate).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => (new OnnxPolicySpec([4], [new OnnxLinear(4, 2, new float[8], null)], new OnnxDiscreteOutput()) with { Opset = 12 }).Validate());
    }
}
