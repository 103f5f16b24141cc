using System.Globalization;
using Bellman.Algorithms.Tabular;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Schedules;
using Bellman.Environments;

namespace Bellman.Algorithms.Tests.Tabular;

/// <summary>
/// A tabular TD-control run stopped at any step (in mid-episode too), saved, restored into a fresh run and
/// continued is the uninterrupted run bit for bit: the same episodes, snapshots and evaluations, and the same Q.
/// </summary>
public sealed class TdControlResumeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bellman-tdresume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static readonly TdControlReporting Reporting = new() { EvalFrequency = 50, EvalEpisodes = 20, LogInterval = 10, EvalSeed = Evaluation.SeedFor(5) };

    private static TdControlOptions Options(TdControlMethod method, bool boltzmann) => new()
    {
        Method = method,
        Episodes = 300,
        LearningRate = Schedule.Linear(0.5, 0.05, 1),
        Exploration = boltzmann ? new Boltzmann(Schedule.Linear(1, 0.1, 0.5)) : new EpsilonGreedy(Schedule.Linear(1, 0.05, 0.5)),
        MaxEpisodeSteps = 200,
    };

    private static TdControlRun Make(string env, TdControlOptions options) =>
        new(EnvRegistry.Default.Make(env), options, new Rng(5).Split(), EnvRegistry.Default.Make(env), Reporting);

    private static CheckpointMetadata Meta(TdControlRun run, string algo, string env) => new(algo, env, [], 5, run.State.Step, run.State.Episodes, run.State.Updates,
        null, [], SpaceDescription.Of(new Bellman.Core.Spaces.Discrete(run.StateCount)), SpaceDescription.Of(new Bellman.Core.Spaces.Discrete(run.ActionCount)));

    [Theory]
    [InlineData(TdControlMethod.QLearning, "FrozenLake-v1", false, 1_234)]
    [InlineData(TdControlMethod.Sarsa, "FrozenLake-v1", false, 777)]
    [InlineData(TdControlMethod.ExpectedSarsa, "FrozenLake-v1", false, 2_001)]
    [InlineData(TdControlMethod.QLearning, "Taxi-v4", true, 9_999)]
    [InlineData(TdControlMethod.Sarsa, "CliffWalkingSlippery-v1", false, 5_555)]
    [InlineData(TdControlMethod.ExpectedSarsa, "Taxi-v4", true, 3_333)]
    public void ARunStoppedInMidEpisodeContinuesExactly(TdControlMethod method, string env, bool boltzmann, long stop)
    {
        var options = Options(method, boltzmann);
        string algo = TdControl.NameOf(method);
        var wholeLog = new LogSink();
        var whole = Make(env, options);
        whole.Run(wholeLog);
        Assert.True(whole.Finished);
        // The stop falls inside an episode, so the environment's mid-episode state and the pending action matter.
        Assert.DoesNotContain(wholeLog.Lines, l => l.StartsWith($"episode {stop} ", StringComparison.Ordinal));
        Assert.True(whole.Step > stop, $"the whole run has {whole.Step} steps");

        var firstLog = new LogSink();
        var first = Make(env, options);
        first.Run(firstLog, stopAtStep: stop);
        Assert.Equal(stop, first.Step);
        Assert.False(first.Finished);
        string path = Path.Combine(_dir, algo, "latest");
        first.Save(path, Meta(first, algo, env));

        var resumed = Make(env, options);
        Assert.Null(resumed.Restore(path, algo));
        Assert.Equal(stop, resumed.Step);
        resumed.Run(firstLog);

        Assert.Equal(wholeLog.Lines, firstLog.Lines);
        Assert.Contains(wholeLog.Lines, l => l.StartsWith("eval ", StringComparison.Ordinal));
        Assert.True(whole.Q.SequenceEqual(resumed.Q), "the final Q-tables differ");
        Assert.Equal(whole.State, resumed.State);
        Assert.Equal(whole.GreedyPolicy(), resumed.GreedyPolicy());
    }

    [Fact]
    public void TrainIsTheRunToTheEnd()
    {
        var options = Options(TdControlMethod.QLearning, boltzmann: false);
        var result = TdControl.Train(EnvRegistry.Default.Make("FrozenLake-v1"), options, new Rng(5).Split());
        var run = Make("FrozenLake-v1", options);
        run.Run();
        Assert.Equal(result.Q, run.Q.ToArray());
        Assert.Equal(300, result.EpisodeReturns.Length);
        Assert.Equal(run.Step, result.EpisodeLengths.Sum(x => (long)x));
    }

    [Fact]
    public void TheCheckpointHoldsTheTableAndTheGreedyPolicy()
    {
        var options = Options(TdControlMethod.QLearning, boltzmann: false);
        var run = Make("FrozenLake-v1", options);
        run.Run();
        string path = Path.Combine(_dir, "best");
        run.Save(path, Meta(run, "q-learning", "FrozenLake-v1"), trainingState: false);
        Assert.False(File.Exists(path + ".state"));
        var policy = TdControlRun.ReadGreedyPolicy(path, out var meta);
        Assert.Equal(run.GreedyPolicy(), policy);
        Assert.Equal("q-learning", meta.Algo);
        var file = Nn.Serialization.SafeTensors.Read(path + ".safetensors");
        var table = file.Tensors.Single(t => t.Name == "q.table");
        Assert.Equal([16, 4], table.Shape);
        Assert.Equal(run.Q.ToArray().Select(x => (float)x), table.Data);

        // Without a state file the resume is approximate, and says why.
        var approximate = Make("FrozenLake-v1", options with { Episodes = 400 });
        string? why = approximate.Restore(path, "q-learning");
        Assert.NotNull(why);
        Assert.Contains("float32", why);
    }

    [Fact]
    public void AnotherAlgorithmsOrACorruptCheckpointIsAnErrorNamingIt()
    {
        var options = Options(TdControlMethod.Sarsa, boltzmann: false);
        var run = Make("FrozenLake-v1", options);
        run.Run(stopAtStep: 500);
        string path = Path.Combine(_dir, "latest");
        run.Save(path, Meta(run, "sarsa", "FrozenLake-v1"));
        var e = Assert.Throws<InvalidDataException>(() => Make("FrozenLake-v1", options).Restore(path, "q-learning"));
        Assert.Contains("holds a sarsa run, not q-learning", e.Message);

        // A state that does not fit this run (another environment's table size) is caught before anything changes.
        var other = new TdControlRun(EnvRegistry.Default.Make("FrozenLake8x8-v1"), options, new Rng(5).Split());
        Assert.ThrowsAny<Exception>(() => other.Restore(path, "sarsa"));
        Assert.Equal(0, other.Step);

        var bytes = File.ReadAllBytes(path + ".state");
        Array.Resize(ref bytes, bytes.Length - 9);
        File.WriteAllBytes(path + ".state", bytes);
        e = Assert.Throws<InvalidDataException>(() => Make("FrozenLake-v1", options).Restore(path, "sarsa"));
        Assert.Contains("latest.state", e.Message);
    }

    private sealed class LogSink : IMetricsSink
    {
        public List<string> Lines { get; } = [];

        public void OnEpisode(in EpisodeRecord e) => Lines.Add(string.Create(CultureInfo.InvariantCulture, $"episode {e.Step} {e.Episode} {e.Return:R} {e.Length}"));

        public void OnSnapshot(TrainingSnapshot s) =>
            Lines.Add(string.Create(CultureInfo.InvariantCulture, $"snapshot {s.Step} {s.Episodes} {s.MeanReturn:R} {s.Updates} {string.Join(' ', s.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}"));

        public void OnEvaluation(EvaluationRecord e) =>
            Lines.Add(string.Create(CultureInfo.InvariantCulture, $"eval {e.Step} {e.MeanReturn:R} {string.Join(' ', e.Returns.Select(r => r.ToString("R", CultureInfo.InvariantCulture)))}"));
    }
}
