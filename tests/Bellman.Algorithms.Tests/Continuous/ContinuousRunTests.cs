using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments;
using Bellman.Environments.Vector;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>The continuous-action path of the off-policy loop, reproducibility and checkpoints of DDPG, TD3 and SAC.</summary>
public sealed class ContinuousRunTests
{
    private static readonly SacOptions TinySac = new()
    {
        TotalSteps = 500, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16, 16], EvalFrequency = 0, EvalEpisodes = 2,
    };

    private static readonly Td3Options TinyTd3 = new()
    {
        TotalSteps = 500, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16, 16], EvalFrequency = 0, EvalEpisodes = 2,
        ActionNoise = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5,
    };

    private static float[] Parameters(Algorithm run) => [.. run.Agent.Networks.SelectMany(n => n.Module.Parameters()).SelectMany(p => p.Data)];

    /// <summary>Records what the loop hands a continuous agent; acts with a fixed out-of-range-free pattern.</summary>
    private sealed class RecordingAgent(Space observations, Space actions) : IOffPolicyAgent
    {
        public List<float[]> Acted { get; } = [];
        public List<float[]> Trained { get; } = [];
        public List<int> EpisodeEnds { get; } = [];
        public Space ObservationSpace { get; } = observations;
        public Space ActionSpace { get; } = actions;
        public IReadOnlyList<(string Name, Bellman.Nn.Layers.Module Module)> Networks => [];
        public IReadOnlyList<(string Name, Bellman.Nn.Optimizers.Optimizer Optimizer)> Optimizers => [];
        public IReadOnlyList<MetricDefinition> Metrics => [];
        public void Greedy(ReadOnlySpan<float> observation, Span<float> action) => action[0] = 0.5f;
        public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng) => action[0] = 0.5f;
        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
        {
            for (int i = 0; i < count; i++) actions[i] = (float)rng.Uniform(-2, 2);
            Acted.Add(actions[..count].ToArray());
        }
        public void RecordExploration(double progress, UpdateMetrics metrics) { }
        public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context) => Trained.Add(batch.Actions.AsSpan(0, batch.Size * batch.ActionSize).ToArray());
        public void OnEnvironmentSteps(long steps, long previousSteps) { }
        public void OnEpisodeEnd(int env) => EpisodeEnds.Add(env);
    }

    [Fact]
    public void TheLoopStepsBoxActionsStoresThemAsFloatsAndSignalsEpisodeEnds()
    {
        var env = EnvRegistry.Default.Make("Pendulum-v1");
        var agent = new RecordingAgent(env.ObservationSpace, env.ActionSpace);
        var options = TinyTd3 with { TotalSteps = 450, LearningStarts = 50, NumEnvs = 2, TrainFrequency = 1, BatchSize = 8 };
        using var envs = new SyncVectorEnvironment(() => EnvRegistry.Default.Make("Pendulum-v1"), 2);
        var loop = new OffPolicyLoop(envs, null, agent, options, seed: 0);
        loop.Run(options.TotalSteps);
        // Warm-up: 25 vector steps of uniform env-unit actions; then the agent acts on every vector step.
        Assert.Equal(450 / 2 - 50 / 2, agent.Acted.Count);
        Assert.Equal(agent.Acted.Count, agent.Trained.Count);
        // Every action in the buffer was either a warm-up sample in [−2, 2] or exactly what the agent returned.
        var acted = agent.Acted.SelectMany(a => a).ToHashSet();
        var sample = new ReplayBatch(200, 3, 1);
        loop.Buffer!.Sample(new Rng(1), sample, 0.99);
        Assert.All(sample.Actions, a => Assert.InRange(a, -2f, 2f));
        // 400 of the 450 stored actions came from the agent; a sample of 200 holds some 178 of them.
        Assert.InRange(sample.Actions.Count(acted.Contains), 150, 200);
        Assert.All(agent.Trained.SelectMany(b => b), a => Assert.InRange(a, -2f, 2f));
        // Pendulum truncates at 200 steps: in 225 vector steps each environment ended once.
        Assert.Equal([0, 1], agent.EpisodeEnds);
    }

    public static TheoryData<string> Algorithms => new() { "ddpg", "td3", "sac" };

    private static Algorithm Make(string name, int seed) => name switch
    {
        "ddpg" => new Ddpg("Pendulum-v1", new DdpgOptions { TotalSteps = 400, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 0, EvalEpisodes = 2, ActionNoise = ActionNoiseKind.Normal }, seed),
        "td3" => new Td3("Pendulum-v1", TinyTd3 with { TotalSteps = 400 }, seed),
        _ => new Sac("Pendulum-v1", TinySac with { TotalSteps = 400 }, seed),
    };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void TheSameSeedGivesBitIdenticalParameters(string name)
    {
        float[] Train(int seed)
        {
            using var run = Make(name, seed);
            run.Learn();
            Assert.True(run.State.Updates > 0);
            return Parameters(run);
        }
        Assert.Equal(Train(3), Train(3));
        Assert.NotEqual(Train(3), Train(4));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SaveAndLoadRestoreEveryNetworkAndTheGreedyPolicy(string name)
    {
        using var run = Make(name, 1);
        run.Learn();
        string dir = Path.Combine(Path.GetTempPath(), $"bellman-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "agent");
            run.Save(path);
            using var loaded = Algorithm.Load(path);
            Assert.Equal(name, loaded.Name);
            Assert.Equal(run.Agent.Networks.Select(n => n.Name), loaded.Agent.Networks.Select(n => n.Name));
            Assert.Equal(Parameters(run), Parameters(loaded));
            Assert.Equal(run.State.Step, loaded.State.Step);
            float[] obs = [0.6f, -0.8f, 1.5f];
            var a = new float[1];
            var b = new float[1];
            run.Predict(obs, a);
            loaded.Predict(obs, b);
            Assert.Equal(a, b);
            Assert.InRange(a[0], -2f, 2f);
            if (run is Sac sac)
            {
                Assert.NotEqual(1.0, sac.SacAgent.Alpha, 3);   // α moved from its start, and the checkpoint kept it
                Assert.Equal(sac.SacAgent.Alpha, ((Sac)loaded).SacAgent.Alpha);
                Assert.Contains(loaded.Agent.Optimizers, o => o.Name == "ent_coef_optimizer");
            }
            // The loaded run continues.
            loaded.Learn(50);
            Assert.Equal(run.State.Step + 50, loaded.State.Step);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
