using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Environments;
using Bellman.Environments.Vector;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.Tests.ValueBased;

public class DqnTests
{
    private static readonly DqnOptions Tiny = new()
    {
        TotalSteps = 600, LearningStarts = 100, TrainFrequency = 2, GradientSteps = 1, BatchSize = 16, BufferSize = 1000,
        NetArch = [16], TargetUpdateInterval = 50, EvalFrequency = 0,
    };

    private static float[] Parameters(Algorithm run) => run.Agent.Networks.SelectMany(n => n.Module.Parameters()).SelectMany(p => p.Data).ToArray();

    [Fact]
    public void TheSameSeedGivesBitIdenticalParameters()
    {
        float[] Train(int seed)
        {
            using var run = new Dqn("CartPole-v1", Tiny, seed);
            run.Learn();
            return Parameters(run);
        }
        Assert.Equal(Train(4), Train(4));
        Assert.NotEqual(Train(4), Train(5));
    }

    public static TheoryData<string, DqnOptions> Variants => new()
    {
        { "double", Tiny with { DoubleQ = true } },
        { "dueling", Tiny with { Dueling = true } },
        { "prioritized", Tiny with { Prioritized = true } },
        { "n-step", Tiny with { NSteps = 3 } },
        { "polyak", Tiny with { Tau = 0.01, TargetUpdateInterval = 1 } },
        { "boltzmann", Tiny with { Exploration = ExplorationKind.Boltzmann } },
        { "mse-rmsprop", Tiny with { Loss = TdLoss.Mse, Optimizer = OptimizerKind.Rmsprop } },
        { "online", Tiny with { Replay = false, TargetNetwork = false } },
        { "no-target", Tiny with { TargetNetwork = false } },
        { "vector", Tiny with { NumEnvs = 3 } },
        { "all", Tiny with { DoubleQ = true, Dueling = true, Prioritized = true, NSteps = 3, NumEnvs = 2 } },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryVariantRunsAndCounts(string name, DqnOptions options)
    {
        using var run = new Dqn("CartPole-v1", options, 1);
        var state = run.Learn().State;
        Assert.True(state.Step >= options.TotalSteps, name);
        Assert.True(state.Updates > 0, name);
        Assert.True(state.Episodes > 0, name);
        var eval = run.Evaluate();
        Assert.Equal(options.EvalEpisodes, eval.Returns.Count);
    }

    [Fact]
    public void RejectsEnvironmentsItCannotHandle()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dqn("Pendulum-v1", Tiny));
        Assert.Contains("Discrete action space", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dqn("FrozenLake-v1", Tiny));
        Assert.Contains("q-learning", e.Message);
    }

    [Fact]
    public void OneAgentServesLoopsWithAnyBatchSize()
    {
        // The agent takes the batch size from the batch it is handed, so the loop's batch_size is the only one.
        var agentOptions = Tiny with { BatchSize = 8 };
        var env = EnvRegistry.Default.Make("CartPole-v1");
        var agent = new DqnAgent(env.ObservationSpace, env.ActionSpace, agentOptions, new Rng(1));
        foreach (int batchSize in new[] { 4, 64 })
        {
            using var envs = new SyncVectorEnvironment(() => EnvRegistry.Default.Make("CartPole-v1"), 2);
            var loop = new OffPolicyLoop(envs, null, agent, Tiny with { BatchSize = batchSize, NumEnvs = 2 }, seed: 0);
            var state = loop.Run(400);
            Assert.Equal(400, state.Step);
            Assert.True(state.Updates > 0);
        }
    }

    [Fact]
    public void TheLoopTrainsEveryTrainFreqStepsAfterLearningStarts()
    {
        var options = Tiny with { TotalSteps = 1_000, LearningStarts = 200, TrainFrequency = 5, GradientSteps = 3 };
        var env = EnvRegistry.Default.Make("CartPole-v1");
        var agent = new DqnAgent(env.ObservationSpace, env.ActionSpace, options, new Rng(2));
        using var envs = new SyncVectorEnvironment(() => EnvRegistry.Default.Make("CartPole-v1"), 1);
        var loop = new OffPolicyLoop(envs, null, agent, options, seed: 0);
        var sink = new CountingSink();
        var state = loop.Run(1_000, sink);
        // Vector steps 201..1000 that are multiples of 5: 160 phases of 3 gradient steps.
        Assert.Equal(160 * 3, state.Updates);
        Assert.Equal(1_000, loop.Buffer!.TotalAdded);
        Assert.Equal(state.Episodes, sink.Episodes);
        Assert.Equal(1_000 / options.LogInterval, sink.Snapshots.Count);
        var last = sink.Snapshots[^1];
        Assert.Equal(["exploration_rate", "loss", "q"], last.Metrics.Select(m => m.Key));
        Assert.True(double.IsFinite(last["loss"]) && double.IsFinite(last["q"]));
        Assert.Equal(options.ExplorationFinalEps, last["exploration_rate"], 12);
    }

    [Fact]
    public void LearningTwiceContinuesTheSameRun()
    {
        // Two Learn calls of 300 steps cover the same steps as one of 600 with the same horizon.
        using var once = new Dqn("CartPole-v1", Tiny, 3);
        once.Run(600, NullMetricsSink.Instance, default);
        using var twice = new Dqn("CartPole-v1", Tiny, 3);
        twice.Run(300, NullMetricsSink.Instance, default);
        Assert.Equal(300, twice.State.Step);
        twice.Run(600, NullMetricsSink.Instance, default);
        Assert.Equal(600, twice.State.Step);
        Assert.Equal(once.State.Episodes, twice.State.Episodes);
        Assert.Equal(once.Loop.Buffer!.TotalAdded, twice.Loop.Buffer!.TotalAdded);
        Assert.True(twice.State.Updates > 0);
    }

    [Fact]
    public void SaveAndLoadGiveBackAWorkingAgentWithoutItsOptions()
    {
        using var run = new Dqn("CartPole-v1", Tiny with { Dueling = true, NetArch = [24, 12] }, 2);
        run.Learn();
        string dir = Path.Combine(Path.GetTempPath(), "bellman-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "model");
            run.Save(path);
            using var loaded = Dqn.Load(path);
            Assert.Equal(Parameters(run), Parameters(loaded));
            Assert.Equal(run.State, loaded.State);
            Assert.Equal(run.DqnAgent.Optimizer.StepCount, loaded.DqnAgent.Optimizer.StepCount);
            Assert.True(loaded.Options.Dueling);
            var env = EnvRegistry.Default.Make("CartPole-v1");
            var obs = env.Reset(7).ToArray();
            for (int t = 0; t < 20; t++)
            {
                Assert.Equal(run.Predict(obs), loaded.Predict(obs));
                var r = env.Step(loaded.Predict(obs));
                if (r.Terminated || r.Truncated) obs = env.Reset().ToArray();
                else obs = env.Observation.ToArray();
            }
            // The sidecar describes the network completely.
            string sidecar = File.ReadAllText(path + ".json");
            Assert.Contains("\"dueling\"", sidecar);
            Assert.Contains("\"relu\"", sidecar);
            Assert.Contains("\"in_features\": 4", sidecar);
            // And loading continues the run.
            loaded.Learn(100);
            Assert.Equal(run.State.Step + 100, loaded.State.Step);
            Assert.Throws<InvalidDataException>(() => Bellman.A2c.Load(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ACallbackStopsTraining()
    {
        using var run = new Dqn("CartPole-v1", Tiny with { TotalSteps = 5_000, LogInterval = 100 }, 0);
        int calls = 0;
        run.Learn(5_000, s => ++calls < 3);
        Assert.Equal(3, calls);
        Assert.Equal(300, run.State.Step);
    }

    private sealed class CountingSink : IMetricsSink
    {
        public long Episodes { get; private set; }

        public List<TrainingSnapshot> Snapshots { get; } = [];

        public void OnEpisode(in EpisodeRecord episode) => Episodes++;

        public void OnSnapshot(TrainingSnapshot snapshot) => Snapshots.Add(snapshot);

        public void OnEvaluation(EvaluationRecord evaluation) { }
    }
}
