using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Nn.Optimizers;

namespace Bellman.Algorithms.Tests.ValueBased;

public class DqnTests
{
    private static readonly DqnOptions Tiny = new()
    {
        TotalSteps = 600, LearningStarts = 100, TrainFrequency = 2, GradientSteps = 1, BatchSize = 16, BufferSize = 1000,
        NetArch = [16], TargetUpdateInterval = 50, EvalFrequency = 0,
    };

    private static float[] Parameters(DqnRun run) => run.Agent.Networks.SelectMany(n => n.Module.Parameters()).SelectMany(p => p.Data).ToArray();

    [Fact]
    public void TheSameSeedGivesBitIdenticalParameters()
    {
        float[] Train(int seed)
        {
            using var run = new DqnRun("CartPole-v1", new Dictionary<string, string>(), Tiny, seed);
            run.Run(CancellationToken.None);
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
        { "online", Tiny with { Replay = false } },
        { "vector", Tiny with { NumEnvs = 3 } },
        { "all", Tiny with { DoubleQ = true, Dueling = true, Prioritized = true, NSteps = 3, NumEnvs = 2 } },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryVariantRunsAndCounts(string name, DqnOptions options)
    {
        using var run = new DqnRun("CartPole-v1", new Dictionary<string, string>(), options, 1);
        var state = run.Run(CancellationToken.None);
        Assert.True(state.Step >= options.TotalSteps, name);
        Assert.True(state.Updates > 0, name);
        Assert.True(state.Episodes > 0, name);
        var eval = run.Evaluate(state.Step, CancellationToken.None);
        Assert.Equal(options.EvalEpisodes, eval.Returns.Count);
    }

    [Fact]
    public void RejectsEnvironmentsItCannotHandle()
    {
        var e = Assert.Throws<ArgumentException>(() => new DqnRun("Pendulum-v1", new Dictionary<string, string>(), Tiny, 0));
        Assert.Contains("Discrete action space", e.Message);
        e = Assert.Throws<ArgumentException>(() => new DqnRun("FrozenLake-v1", new Dictionary<string, string>(), Tiny, 0));
        Assert.Contains("q-learning", e.Message);
    }

    [Fact]
    public void CheckpointRoundTripRestoresTheAgent()
    {
        using var run = new DqnRun("CartPole-v1", new Dictionary<string, string>(), Tiny, 2);
        run.Run(CancellationToken.None);
        string dir = Path.Combine(Path.GetTempPath(), "bellman-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            string prefix = Path.Combine(dir, "latest");
            AgentCheckpoint.Save(prefix, run.Agent.Networks, run.Agent.Optimizers, new { step = run.State.Step });
            using var other = new DqnRun("CartPole-v1", new Dictionary<string, string>(), Tiny, 99);
            Assert.NotEqual(Parameters(run), Parameters(other));
            var meta = AgentCheckpoint.Load(prefix, other.Agent.Networks, other.Agent.Optimizers);
            Assert.Equal(Parameters(run), Parameters(other));
            Assert.Equal(run.State.Step, meta.GetProperty("step").GetInt64());
            Assert.Equal(run.Agent.Optimizer.StepCount, other.Agent.Optimizer.StepCount);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
