using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Environments;
using Bellman.Environments.Vector;
using Bellman.Nn;
using Bellman.Nn.Layers;
using Bellman.Nn.Optimizers;
using static Bellman.Algorithms.Tests.Training.ExactResumeTests;

namespace Bellman.Algorithms.Tests.Training;

/// <summary>
/// overlap_collection: each chunk is collected one training phase behind, every phase samples the memory the
/// sequential loop would give it, and the bits do not depend on whether the two parts ran on two threads.
/// (One class: <see cref="BackgroundPhase.Serial"/> is process-wide.)
/// </summary>
public sealed class OverlapCollectionTests
{
    [Fact]
    public void EachChunkIsCollectedOnePhaseBehind()
    {
        // A counting agent: every gradient step adds 1 to its only parameter, every action records the parameter it saw.
        // learning_starts 8, train_freq 4, gradient_steps 2: phases are due after steps 12, 16, …, 40.
        var options = new DqnOptions { TotalSteps = 40, LearningStarts = 8, TrainFrequency = 4, GradientSteps = 2, BatchSize = 4, BufferSize = 100 };
        var (sequentialSeen, sequentialCount) = RunCounting(options);
        var (overlappedSeen, overlappedCount) = RunCounting(options with { OverlapCollection = true });

        int[] due = [12, 16, 20, 24, 28, 32, 36, 40];
        // The action taken at step s (before it) follows every phase due at or before s; overlapped, all but the latest.
        var expectedSequential = Enumerable.Range(8, 32).Select(s => 2f * due.Count(d => d <= s)).ToArray();
        var expectedOverlapped = Enumerable.Range(8, 32).Select(s => 2f * Math.Max(0, due.Count(d => d <= s) - 1)).ToArray();
        Assert.Equal(expectedSequential, sequentialSeen);
        Assert.Equal(expectedOverlapped, overlappedSeen);
        // The phase due at the last step is left pending by the overlapped run.
        Assert.Equal(16f, sequentialCount);
        Assert.Equal(14f, overlappedCount);
    }

    [Fact]
    public void WithTheWeightsHeldStillOverlapChangesNothing()
    {
        // Plain SGD with learning_rate 1e-30 leaves every weight as it is (each step is far below half a unit in the last
        // place): acting one phase behind acts with the same weights, so every episode and evaluation of the overlapped
        // run, and its replay memory with every priority that its phases' TD errors set, must be the sequential run's.
        // Snapshots at a join come before the phase due there (it runs beside the next chunk), so their update counts
        // and loss means differ; their steps, episodes and mean returns do not. The run ends between two due points.
        var options = new DqnOptions
        {
            TotalSteps = 3_000, LearningStarts = 256, TrainFrequency = 8, GradientSteps = 4, BatchSize = 16, BufferSize = 1_000, NetArch = [16],
            TargetUpdateInterval = 100, Optimizer = OptimizerKind.Sgd, LearningRate = 1e-30, EvalFrequency = 1_024, EvalEpisodes = 2, LogInterval = 256,
            NumEnvs = 2, NSteps = 3, Prioritized = true,
        };
        var (sequential, sequentialMemory, sequentialUpdates) = Memory(options);
        var (overlapped, overlappedMemory, overlappedUpdates) = Memory(options with { OverlapCollection = true });
        Assert.Contains(sequential, l => l.StartsWith("eval", StringComparison.Ordinal));
        Assert.Equal(sequential.Select(Comparable), overlapped.Select(Comparable));
        Assert.Equal(sequentialUpdates, overlappedUpdates);
        Assert.Equal(sequentialMemory, overlappedMemory);

        static string Comparable(string line) => line.StartsWith("snapshot", StringComparison.Ordinal) ? string.Join(' ', line.Split(' ').Take(4)) : line;
    }

    private static (List<string> Lines, byte[] Memory, long Updates) Memory(DqnOptions options)
    {
        using var run = (Dqn)TestRuns.Make(options, "CartPole-v1", seed: 5);
        var log = new LogSink();
        run.Learn(options.TotalSteps, log);
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) run.Loop.Buffer!.WriteState(writer);
        return (log.Lines, bytes.ToArray(), run.State.Updates);
    }

    [Fact]
    public void TwoThreadsAndOneGiveTheSameBitsAndDifferFromTheSequentialRun()
    {
        var options = new DqnOptions
        {
            TotalSteps = 3_000, LearningStarts = 200, TrainFrequency = 4, GradientSteps = 2, BatchSize = 16, BufferSize = 2_000, NetArch = [16],
            TargetUpdateInterval = 100, EvalFrequency = 1_000, EvalEpisodes = 2, LogInterval = 200, OverlapCollection = true,
        };
        var concurrent = Log(options);
        List<string> serial;
        BackgroundPhase.Serial = true;
        try { serial = Log(options); }
        finally { BackgroundPhase.Serial = false; }
        Assert.Equal(concurrent, serial);
        Assert.Equal(concurrent, Log(options));
        Assert.NotEqual(Log(options with { OverlapCollection = false }), concurrent);
    }

    [Fact]
    public void ALearnerFailureReachesTheCaller()
    {
        var options = new DqnOptions { TotalSteps = 60, LearningStarts = 8, TrainFrequency = 4, BatchSize = 4, BufferSize = 100, OverlapCollection = true };
        using var envs = new SyncVectorEnvironment(() => EnvRegistry.Default.Make("CartPole-v1"), 1);
        var env = envs.SingleObservationSpace;
        var agent = new CountingAgent(env, envs.SingleActionSpace) { FailAfter = 3 };
        using var loop = new OffPolicyLoop(envs, null, agent, options, seed: 0, new CountingAgent(env, envs.SingleActionSpace));
        var error = Assert.Throws<InvalidOperationException>(() => loop.Run(60));
        Assert.Equal("gradient step 4 failed", error.Message);
    }

    [Fact]
    public void OverlapNeedsAReplayMemory()
    {
        var error = Assert.Throws<OptionException>(() => new DqnOptions { Replay = false, OverlapCollection = true }.Validate());
        Assert.Contains("overlap_collection", error.Message);
        Assert.Contains("replay", error.Message);
    }

    private static List<string> Log(DqnOptions options)
    {
        using var run = TestRuns.Make(options, "CartPole-v1", seed: 5);
        var log = new LogSink();
        run.Learn(options.TotalSteps, log);
        return log.Lines;
    }

    private static (float[] Seen, float Count) RunCounting(DqnOptions options)
    {
        using var envs = new SyncVectorEnvironment(() => EnvRegistry.Default.Make("CartPole-v1"), 1);
        var learner = new CountingAgent(envs.SingleObservationSpace, envs.SingleActionSpace);
        var collector = options.OverlapCollection ? new CountingAgent(envs.SingleObservationSpace, envs.SingleActionSpace) : null;
        using var loop = new OffPolicyLoop(envs, null, learner, options, seed: 0, collector);
        loop.Run(options.TotalSteps);
        return ([.. (collector ?? learner).Seen], learner.Counter.Data[0]);
    }

    /// <summary>An agent whose one parameter counts its gradient steps; it always pushes left and records what it saw.</summary>
    private sealed class CountingAgent(Space observationSpace, Space actionSpace) : IOffPolicyAgent
    {
        public Parameter Counter { get; } = new("count", 1);
        public List<float> Seen { get; } = [];
        public int FailAfter { get; init; } = int.MaxValue;
        private int _steps;

        public Space ObservationSpace => observationSpace;
        public Space ActionSpace => actionSpace;
        public IReadOnlyList<(string Name, Module Module)> Networks => [("counter", new ParameterSet(Counter))];
        public IReadOnlyList<(string Name, Optimizer Optimizer)> Optimizers => [];
        public IReadOnlyList<MetricDefinition> Metrics => [];
        public void Greedy(ReadOnlySpan<float> observation, Span<float> action) => action[0] = 0;
        public void Sample(ReadOnlySpan<float> observation, Span<float> action, Rng rng) => action[0] = 0;
        public void RecordExploration(double progress, UpdateMetrics metrics) { }
        public void OnEnvironmentSteps(long steps, long previousSteps) { }

        public void Act(ReadOnlySpan<float> observations, int count, Span<float> actions, double progress, Rng rng)
        {
            Seen.Add(Counter.Data[0]);
            actions[..count].Clear();
        }

        public void Train(ReplayBatch batch, Span<float> tdErrors, in UpdateContext context)
        {
            if (++_steps > FailAfter) throw new InvalidOperationException($"gradient step {_steps} failed");
            Counter.Data[0] += 1;
        }
    }
}
