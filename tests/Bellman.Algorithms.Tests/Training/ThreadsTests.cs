using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Tests.MinAtar;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Nn;

namespace Bellman.Algorithms.Tests.Training;

/// <summary>Runs that change the process-wide <see cref="EngineThreads.Max"/> run alone, so that no other test sees it above 1.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineThreadsCollection
{
    public const string Name = "engine threads";
}

/// <summary>
/// <c>threads</c> splits the learner's large products and optimizer steps over threads by whole output elements: a run
/// with two or three threads is the one-thread run bit for bit (episodes, snapshots, evaluations, weights, optimizer
/// state). The networks are large enough that the products and the optimizer really split (above
/// <see cref="Bellman.Nn.Kernels.Gemm.ParallelThreshold"/> and <see cref="Bellman.Nn.Optimizers.Optimizer.ParallelThreshold"/>).
/// </summary>
[Collection(EngineThreadsCollection.Name)]
public sealed class ThreadsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bellman-threads-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> Cases => ["dqn", "sac", "dqn-minatar"];

    private static (ITrainingOptions Options, string Env) Case(string name, int threads) => name switch
    {
        // 64 × 256 × 256 products (4.2M multiply-adds) and Adam over 67k parameters.
        "dqn" => (new DqnOptions { TotalSteps = 1_500, LearningStarts = 500, BufferSize = 1_500, BatchSize = 64, NetArch = [256, 256], TargetUpdateInterval = 50,
            EvalFrequency = 750, EvalEpisodes = 2, LogInterval = 250, ExplorationFraction = 0.3, Threads = threads }, "CartPole-v1"),
        // 128 × 256 × 256 products in the critics and the actor.
        "sac" => (new SacOptions { TotalSteps = 300, LearningStarts = 200, BatchSize = 128, BufferSize = 1_000, NetArch = [256, 256], EvalFrequency = 150,
            EvalEpisodes = 1, LogInterval = 50, Threads = threads }, "Pendulum-v1"),
        // MinAtar's network: 32 × 128 × 1024 products and centred RMSprop over 132k parameters.
        "dqn-minatar" => (MinAtarLearningTests.SmallBudget(1_300) with { LearningStarts = 1_000, EvalFrequency = 650, EvalEpisodes = 1, LogInterval = 100, Threads = threads },
            "MinAtar/Breakout-v1"),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoAndThreeThreadsTrainTheOneThreadRunBitForBit(string name)
    {
        int saved = EngineThreads.Max;
        var lines = new List<List<string>>();
        var files = new List<(byte[] Weights, byte[] State)>();
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var (options, env) = Case(name, threads);
            var log = new ExactResumeTests.LogSink();
            var seen = new ThreadsSeen(log);
            using (var run = TestRuns.Make(options, env, seed: 5))
            {
                run.Learn(options.TotalSteps, seen);
                Assert.Equal([threads], seen.Values);
                Assert.Equal(saved, EngineThreads.Max);
                string path = Path.Combine(_dir, $"{name}-{threads}");
                run.Save(path);
                files.Add((File.ReadAllBytes(path + ".safetensors"), File.ReadAllBytes(path + ".state")));
            }
            lines.Add(log.Lines);
        }
        Assert.Contains(lines[0], l => l.StartsWith("eval", StringComparison.Ordinal));
        for (int t = 1; t < lines.Count; t++)
        {
            Assert.Equal(lines[0], lines[t]);
            Assert.True(files[0].Weights.AsSpan().SequenceEqual(files[t].Weights), $"{name}: the weights differ with {t + 1} threads");
            Assert.True(files[0].State.AsSpan().SequenceEqual(files[t].State), $"{name}: the training state differs with {t + 1} threads");
        }
    }

    /// <summary>Forwards to a log and records <see cref="EngineThreads.Max"/> as seen while training.</summary>
    private sealed class ThreadsSeen(IMetricsSink inner) : IMetricsSink
    {
        public SortedSet<int> Values { get; } = [];

        public void OnEpisode(in EpisodeRecord e) => inner.OnEpisode(e);

        public void OnSnapshot(TrainingSnapshot s)
        {
            Values.Add(EngineThreads.Max);
            inner.OnSnapshot(s);
        }

        public void OnEvaluation(EvaluationRecord e) => inner.OnEvaluation(e);
    }

    [Fact]
    public void AThreadCountBelowOneIsAnErrorNamingTheKey()
    {
        var error = Assert.Throws<Bellman.Algorithms.Configuration.OptionException>(() => new DqnOptions { Threads = 0 }.Validate());
        Assert.Contains("threads = 0 is invalid", error.Message);
    }
}
