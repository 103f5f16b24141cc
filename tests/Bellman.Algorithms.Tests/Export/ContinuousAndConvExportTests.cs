using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Export;
using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using Bellman.Nn.Layers;

namespace Bellman.Algorithms.Tests.Export;

/// <summary>
/// The continuous actors (DDPG/TD3, SAC, NAF) and the convolutional networks, exported and run by ONNX
/// Runtime: the action equals the agent's own greedy action and the raw output its network's, within 1e-5.
/// </summary>
public sealed class ContinuousAndConvExportTests
{
    private static readonly NetworkSpec Cnn = new(PolicyKind.Cnn, [24], [8, 6], CnnKernelSize: 3, CnnStride: 1);

    /// <summary>The agent's greedy action for each row of <paramref name="obs"/>, one after another as Bellman acts.</summary>
    private static float[] GreedyRows(IAgent agent, float[] obs, int rows, int actionSize)
    {
        int size = obs.Length / rows;
        var actions = new float[rows * actionSize];
        for (int r = 0; r < rows; r++) agent.Greedy(obs.AsSpan(r * size, size), actions.AsSpan(r * actionSize, actionSize));
        return actions;
    }

    private static float[] Forward(Func<Graph, Tensor, Tensor> net, float[] obs, Shape shape)
    {
        var g = new Graph();
        using var _ = g.NoGrad();
        return net(g, g.Input(obs, shape)).Data.ToArray();
    }

    /// <summary>Runs <paramref name="spec"/> in ONNX Runtime; asserts the raw output and the action against Bellman's.</summary>
    private static void AssertContinuous(OnnxPolicySpec spec, float[] obs, int[] dims, float[] raw, float[] action)
    {
        var outputs = OnnxRun.Run(OnnxPolicyExporter.Encode(spec), obs, dims);
        Assert.Equal(new[] { "action", spec.Output.RawName }, outputs.Keys.Order());
        OnnxRun.AssertClose(raw, (float[])outputs[spec.Output.RawName]);
        OnnxRun.AssertClose(action, (float[])outputs["action"]);
    }

    private static Algorithm CreateOnPendulum(string name) => name switch
    {
        "ddpg" => new Ddpg("Pendulum-v1", new DdpgOptions { NetArch = [16, 16] }, seed: 1),
        "td3" => new Td3("Pendulum-v1", new Td3Options { NetArch = [16, 16] }, seed: 2),
        "sac" => new Sac("Pendulum-v1", new SacOptions { NetArch = [16, 16] }, seed: 3),
        _ => new Naf("Pendulum-v1", new NafOptions { NetArch = [16, 16] }, seed: 4),
    };

    [Theory]
    [InlineData("ddpg", "actor")]
    [InlineData("td3", "actor")]
    [InlineData("sac", "mean")]
    [InlineData("naf", "mu")]
    public void Continuous_algorithms_export_the_greedy_action_in_the_box_bounds(string name, string rawName)
    {
        using var algorithm = CreateOnPendulum(name);
        const int batch = 16;
        float[] obs = OnnxRun.Observations(batch * 3, 20, scale: 8f); // past the bounds where tanh saturates
        var shape = new Shape(batch, 3);
        float[] raw = algorithm.Agent switch
        {
            Td3Agent t => Forward(t.Actor.Forward, obs, shape),
            SacAgent s => Forward((g, x) => s.Actor.Distribution(g, x).Mean, obs, shape),
            NafAgent n => Forward(n.Q.Mean, obs, shape),
            var a => throw new InvalidOperationException(a.GetType().Name),
        };
        var spec = OnnxExport.SpecOf(algorithm);
        Assert.Equal(rawName, spec.Output.RawName);
        float[] action = GreedyRows(algorithm.Agent, obs, batch, 1);
        Assert.All(action, a => Assert.InRange(a, -2f, 2f));
        AssertContinuous(spec, obs, [batch, 3], raw, action);
    }

    private static readonly Box Bounds = new([-0.5f, 0f], [1.5f, 3f]);

    [Fact]
    public void Deterministic_actor_over_a_matrix_observation_maps_to_asymmetric_bounds()
    {
        var agent = new Td3Agent(new Box(-10f, 10f, [2, 3]), Bounds, new Td3Options { NetArch = [12] }, new Rng(21), "td3");
        const int batch = 7;
        float[] obs = OnnxRun.Observations(batch * 6, 22, scale: 3f);
        float[] raw = Forward(agent.Actor.Forward, obs, new Shape(batch, 6));
        AssertContinuous(OnnxPolicySpecs.FromDeterministicActor(agent.Actor, [2, 3], Bounds), obs, [batch, 2, 3], raw, GreedyRows(agent, obs, batch, 2));
    }

    [Fact]
    public void Sac_exports_the_squashed_mean_mapped_to_asymmetric_bounds()
    {
        var agent = new SacAgent(new Box(-10f, 10f, [2, 3]), Bounds, new SacOptions { NetArch = [12, 8] }, new Rng(23));
        const int batch = 7;
        float[] obs = OnnxRun.Observations(batch * 6, 24, scale: 3f);
        float[] mean = Forward((g, x) => agent.Actor.Distribution(g, x).Mean, obs, new Shape(batch, 6));
        AssertContinuous(OnnxPolicySpecs.FromSquashedGaussianActor(agent.Actor, [2, 3], Bounds), obs, [batch, 2, 3], mean, GreedyRows(agent, obs, batch, 2));
    }

    /// <summary>
    /// A gSDE actor (the MountainCarContinuous preset's kind) exports tanh(μ(s)) with μ clamped to ±clip_mean: through the
    /// library API (<see cref="OnnxExport.SpecOf"/>) and, over a matrix observation with asymmetric bounds, directly. The
    /// observations reach far enough that the clamp is active for some rows, which the test checks.
    /// </summary>
    [Theory]
    [InlineData(2.0, true)]
    [InlineData(0.0, false)]
    public void Sac_with_gsde_exports_the_squashed_clamped_mean(double clipMean, bool fullStd)
    {
        var options = new SacOptions { NetArch = [16, 16], UseSde = true, ClipMean = clipMean, FullStd = fullStd, LogStdInit = -3.67 };
        using var algorithm = new Sac("MountainCarContinuous-v0", options, seed: 5);
        var sac = (SacAgent)algorithm.Agent;
        var actor = sac.SdeActor!;
        // Scale the mean head up so that some rows pass ±clip_mean (the clamp must be in the exported graph).
        foreach (var p in actor.Parameters().Where(p => p.Name.StartsWith("mu.", StringComparison.Ordinal))) for (int i = 0; i < p.Data.Length; i++) p.Data[i] *= 40f;
        const int batch = 16;
        float[] obs = OnnxRun.Observations(batch * 2, 31, scale: 1.5f);
        float[] mean = Forward((g, x) => actor.Distribution(g, x).Mean, obs, new Shape(batch, 2));
        if (clipMean > 0) Assert.Contains(mean, m => MathF.Abs(m) == (float)clipMean);
        else Assert.Contains(mean, m => MathF.Abs(m) > 2f);
        var spec = OnnxExport.SpecOf(algorithm);
        Assert.Equal(clipMean > 0, spec.Layers[^1] is OnnxClamp);
        AssertContinuous(spec, obs, [batch, 2], mean, GreedyRows(sac, obs, batch, 1));

        var matrix = new SacAgent(new Box(-10f, 10f, [2, 3]), Bounds, options with { NetArch = [12, 8] }, new Rng(33));
        const int rows = 7;
        float[] obs2 = OnnxRun.Observations(rows * 6, 34, scale: 3f);
        float[] mean2 = Forward((g, x) => matrix.SdeActor!.Distribution(g, x).Mean, obs2, new Shape(rows, 6));
        AssertContinuous(OnnxPolicySpecs.FromGsdeActor(matrix.SdeActor!, [2, 3], Bounds), obs2, [rows, 2, 3], mean2, GreedyRows(matrix, obs2, rows, 2));
    }

    [Fact]
    public void Naf_mu_head_over_a_conv_trunk_on_channels_last_images()
    {
        int[] image = [7, 6, 2];
        var options = new NafOptions { Policy = PolicyKind.Cnn, NetArch = [16], CnnFilters = [4] };
        var agent = new NafAgent(new Box(0f, 1f, image), Bounds, options, new Rng(25));
        const int batch = 5;
        float[] obs = OnnxRun.Observations(batch * 84, 26);
        float[] mu = Forward(agent.Q.Mean, obs, new Shape(batch, 7, 6, 2));
        var spec = OnnxPolicySpecs.FromNaf(agent.Q, image, Bounds);
        Assert.IsType<OnnxChannelsFirst>(spec.Layers[0]);
        AssertContinuous(spec, obs, [batch, .. image], mu, GreedyRows(agent, obs, batch, 2));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cnn_q_network_on_minatar_shaped_channels_last_observations(bool dueling)
    {
        int[] minAtar = [10, 10, 4];
        var net = QNetwork.Create(minAtar, 6, Cnn, dueling, new Rng(27));
        var spec = OnnxPolicySpecs.FromQNetwork(net, minAtar);
        Assert.Contains(spec.Layers, l => l is OnnxConv2d);
        OnnxExportTests.AssertDiscreteMatches(net, spec, "q", batch: 4, minAtar, seed: 28);
    }

    [Fact]
    public void Cnn_q_network_on_channels_first_observations_has_no_transpose()
    {
        int[] chw = [3, 9, 8];
        var net = QNetwork.Create(chw, 4, Cnn, dueling: false, new Rng(29));
        var spec = OnnxPolicySpecs.FromQNetwork(net, chw);
        Assert.DoesNotContain(spec.Layers, l => l is OnnxChannelsFirst);
        OnnxExportTests.AssertDiscreteMatches(net, spec, "q", batch: 3, chw, seed: 30);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cnn_actor_critic_policy_matches_bellman(bool shared)
    {
        int[] image = [8, 8, 3];
        var net = new ActorCriticNetwork(image, 5, Cnn, Activation.ReLU, shared, critic: true, logStdInit: null, orthogonalInit: true, new Rng(31));
        OnnxExportTests.AssertDiscreteMatches(net, OnnxPolicySpecs.FromActorCritic(net, image), "logits", batch: 4, image, seed: 32);
    }

    [Fact]
    public void Dqn_with_a_cnn_on_minatar_gives_the_agents_greedy_actions()
    {
        using var dqn = new Dqn("MinAtar/Breakout-v1", new DqnOptions { Policy = PolicyKind.Cnn, CnnFilters = [8], NetArch = [32] }, seed: 5);
        int[] shape = [.. dqn.Agent.ObservationSpace.Shape];
        const int batch = 6;
        int size = shape.Aggregate(1, (p, d) => p * d);
        var rng = new Rng(33);
        float[] obs = [.. Enumerable.Range(0, batch * size).Select(_ => rng.NextDouble() < 0.1 ? 1f : 0f)]; // sparse 0/1 grids as MinAtar draws
        var outputs = OnnxRun.Run(OnnxPolicyExporter.Encode(OnnxExport.SpecOf(dqn)), obs, [batch, .. shape]);
        float[] greedy = GreedyRows(dqn.Agent, obs, batch, 1);
        OnnxRun.AssertClose(Forward(((DqnAgent)dqn.Agent).Q.Forward, obs, new Shape(batch, shape[0], shape[1], shape[2])), (float[])outputs["q"]);
        Assert.Equal(greedy.Select(a => (long)a), (long[])outputs["action"]);
    }

    [Fact]
    public void Qt_opt_is_a_clear_error()
    {
        using var qtOpt = new QtOpt("Pendulum-v1", new QtOptOptions { NetArch = [8] }, seed: 0);
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.SpecOf(qtOpt));
        Assert.Contains("cross-entropy", e.Message);
        Assert.Contains("naf", e.Message);
    }
}
