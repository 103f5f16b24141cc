using System.Globalization;
using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms.Tests.Training;

/// <summary>
/// A run stopped half-way, saved, loaded into a fresh process-like object and continued is the uninterrupted run
/// bit for bit: the same episodes, snapshots and evaluations, and the same final weights and optimizer state.
/// </summary>
public sealed class ExactResumeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bellman-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    public static TheoryData<string> Cases => ["dqn", "dqn-per-nstep", "dqn-minatar", "td3", "sac", "ddpg", "naf", "qt-opt", "a2c", "reinforce", "actor-critic", "ac-lambda", "ac-lambda-minatar", "fqi",
        "dqn-overlap", "sac-overlap", "td3-overlap"];

    private static (ITrainingOptions Options, string Env, long Stop) Case(string name) => name switch
    {
        "dqn" => (new DqnOptions { TotalSteps = 2_000, LearningStarts = 200, BufferSize = 2_000, BatchSize = 16, NetArch = [16], TargetUpdateInterval = 100,
            EvalFrequency = 500, EvalEpisodes = 2, LogInterval = 250, ExplorationFraction = 0.5 }, "CartPole-v1", 1_000),
        "dqn-per-nstep" => (new DqnOptions { TotalSteps = 1_600, NumEnvs = 2, LearningStarts = 200, BufferSize = 600, BatchSize = 16, NetArch = [16], Prioritized = true,
            NSteps = 3, TargetUpdateInterval = 100, EvalFrequency = 400, EvalEpisodes = 2, LogInterval = 200 }, "CartPole-v1", 1_000),
        "dqn-minatar" => (new DqnOptions { TotalSteps = 600, LearningStarts = 100, BufferSize = 500, BatchSize = 8, NetArch = [8], TargetUpdateInterval = 100,
            EvalFrequency = 300, EvalEpisodes = 1, LogInterval = 100 }, "MinAtar/Breakout-v1", 300),
        "td3" => (new Td3Options { TotalSteps = 600, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 300, EvalEpisodes = 1,
            LogInterval = 100, ActionNoise = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5 }, "Pendulum-v1", 300),
        "sac" => (new SacOptions { TotalSteps = 600, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 300, EvalEpisodes = 1,
            LogInterval = 100 }, "Pendulum-v1", 300),
        "ddpg" => (new DdpgOptions { TotalSteps = 500, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 250, EvalEpisodes = 1,
            LogInterval = 50, ActionNoise = ActionNoiseKind.Normal }, "Pendulum-v1", 300),
        "naf" => (new NafOptions { TotalSteps = 500, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 250, EvalEpisodes = 1,
            LogInterval = 50 }, "Pendulum-v1", 250),
        "qt-opt" => (new QtOptOptions { TotalSteps = 400, LearningStarts = 100, BatchSize = 8, BufferSize = 1_000, NetArch = [16], EvalFrequency = 200, EvalEpisodes = 1,
            LogInterval = 50 }, "Pendulum-v1", 200),
        "a2c" => (new A2cOptions { NumEnvs = 4, TotalSteps = 4_000, NetArch = [16], EvalFrequency = 1_000, EvalEpisodes = 2, LogInterval = 500 }, "CartPole-v1", 2_000),
        "reinforce" => (new ReinforceOptions { NumEnvs = 2, NSteps = 200, TotalSteps = 4_000, NetArch = [16], EvalFrequency = 800, EvalEpisodes = 2, LogInterval = 400 }, "CartPole-v1", 2_000),
        "actor-critic" => (new ActorCriticOptions { NumEnvs = 2, NSteps = 10, TotalSteps = 2_000, NetArch = [16], EvalFrequency = 500, EvalEpisodes = 2, LogInterval = 250 }, "Acrobot-v1", 1_000),
        "ac-lambda" => (new AcLambdaOptions { TotalSteps = 2_000, NetArch = [16], EvalFrequency = 500, EvalEpisodes = 2, LogInterval = 250 }, "CartPole-v1", 1_000),
        "ac-lambda-minatar" => (OnPolicyPresets.MinAtarAcLambda with { TotalSteps = 600, NetArch = [8], EvalFrequency = 300, EvalEpisodes = 1, LogInterval = 100 },
            "MinAtar/Breakout-v1", 300),
        "fqi" => (FqiCase, "CartPole-v1", 1_000),
        // overlap_collection: stopped at a join where a phase is left pending (1000 is a multiple of train_freq 4).
        "dqn-overlap" => (((DqnOptions)Case("dqn").Options) with { OverlapCollection = true }, "CartPole-v1", 1_000),
        "sac-overlap" => (((SacOptions)Case("sac").Options) with { OverlapCollection = true }, "Pendulum-v1", 300),
        "td3-overlap" => (((Td3Options)Case("td3").Options) with { OverlapCollection = true }, "Pendulum-v1", 300),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AStoppedRunContinuesExactly(string name)
    {
        var (options, env, stop) = Case(name);
        using var whole = TestRuns.Make(options, env, seed: 3);
        var wholeLog = new LogSink();
        whole.Learn(options.TotalSteps, wholeLog);
        string wholePath = Path.Combine(_dir, "whole");
        whole.Save(wholePath);

        var firstLog = new LogSink { StopAt = stop };
        using (var first = TestRuns.Make(options, env, seed: 3))
        {
            first.Learn(options.TotalSteps, firstLog, firstLog.Stop.Token);
            Assert.True(first.State.Step == stop, $"the first part should stop at {stop}, stopped at {first.State.Step}");
            first.Save(Path.Combine(_dir, "half"));
        }
        using var resumed = Algorithm.Load(Path.Combine(_dir, "half"));
        Assert.Null(resumed.ApproximateResume);
        var secondLog = new LogSink();
        resumed.Learn(options.TotalSteps - resumed.State.Step, secondLog);
        string resumedPath = Path.Combine(_dir, "resumed");
        resumed.Save(resumedPath);

        Assert.Equal(wholeLog.Lines, [.. firstLog.Lines, .. secondLog.Lines]);
        Assert.Contains(wholeLog.Lines, l => l.StartsWith("eval", StringComparison.Ordinal) && long.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture) > stop);
        Assert.Equal(File.ReadAllBytes(wholePath + ".safetensors"), File.ReadAllBytes(resumedPath + ".safetensors"));
        Assert.Equal(File.ReadAllBytes(wholePath + ".state"), File.ReadAllBytes(resumedPath + ".state"));
    }

    private static readonly FqiOptions FqiCase = new()
    {
        TotalSteps = 3_000, DatasetSize = 1_000, Iterations = 3, GradientSteps = 10, BatchSize = 32, NetArch = [16], EvalEpisodes = 2, KeepData = true,
    };

    [Fact]
    public void FittedQIterationStoppedInMidRoundContinuesExactly()
    {
        // Cancelled by an episode of round 2's collection: the collection ends, then the run stops before the round's
        // first target set, and the resumed run does round 2's K target sets, its evaluation and round 3.
        using var whole = TestRuns.Make(FqiCase, "CartPole-v1", seed: 3);
        var wholeLog = new LogSink();
        whole.Learn(FqiCase.TotalSteps, wholeLog);
        string wholePath = Path.Combine(_dir, "fqi-whole");
        whole.Save(wholePath);
        var episodes = wholeLog.Lines.Where(l => l.StartsWith("episode", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        long inRound2 = long.Parse(episodes.First(f => long.Parse(f[1], CultureInfo.InvariantCulture) > 1_200)[2], CultureInfo.InvariantCulture);

        var firstLog = new LogSink { StopAtEpisode = inRound2 };
        using (var first = TestRuns.Make(FqiCase, "CartPole-v1", seed: 3))
        {
            first.Learn(FqiCase.TotalSteps, firstLog, firstLog.Stop.Token);
            Assert.Equal(2_000, first.State.Step);
            Assert.DoesNotContain(firstLog.Lines, l => l.StartsWith("eval 2000", StringComparison.Ordinal));
            first.Save(Path.Combine(_dir, "fqi-half"));
        }
        using var resumed = Algorithm.Load(Path.Combine(_dir, "fqi-half"));
        Assert.Null(resumed.ApproximateResume);
        var secondLog = new LogSink();
        resumed.Learn(FqiCase.TotalSteps - resumed.State.Step, secondLog);
        string resumedPath = Path.Combine(_dir, "fqi-resumed");
        resumed.Save(resumedPath);
        Assert.Equal(wholeLog.Lines, [.. firstLog.Lines, .. secondLog.Lines]);
        Assert.Equal(whole.State, resumed.State);
        Assert.Equal(File.ReadAllBytes(wholePath + ".safetensors"), File.ReadAllBytes(resumedPath + ".safetensors"));
        Assert.Equal(File.ReadAllBytes(wholePath + ".state"), File.ReadAllBytes(resumedPath + ".state"));
    }

    [Fact]
    public void WithoutTheReplayMemoryTheResumeSaysItIsApproximate()
    {
        var (options, env, stop) = Case("dqn");
        var log = new LogSink { StopAt = stop };
        using (var first = TestRuns.Make(options, env, seed: 3))
        {
            first.CheckpointReplay = false;
            first.Learn(options.TotalSteps, log, log.Stop.Token);
            first.Save(Path.Combine(_dir, "noreplay"));
        }
        Assert.True(new FileInfo(Path.Combine(_dir, "noreplay.state")).Length < 20_000, "the state should not hold the 2,000-transition memory");
        using var resumed = Algorithm.Load(Path.Combine(_dir, "noreplay"));
        Assert.Contains("no replay memory", resumed.ApproximateResume);
        Assert.False(resumed.CheckpointReplay);
        resumed.Learn(options.TotalSteps - resumed.State.Step);
        Assert.Equal(options.TotalSteps, resumed.State.Step);
    }

    [Fact]
    public void AnOlderCheckpointWithoutStateResumesApproximately()
    {
        var (options, env, stop) = Case("dqn");
        string path = Path.Combine(_dir, "old");
        using (var first = TestRuns.Make(options, env, seed: 3))
        {
            first.Learn(stop);
            first.Save(path, trainingState: false);
        }
        Assert.False(File.Exists(path + ".state"));
        using var resumed = Algorithm.Load(path);
        Assert.Contains("no training state", resumed.ApproximateResume);
    }

    [Fact]
    public void ACorruptOrTruncatedStateIsAnErrorNamingTheFile()
    {
        var (options, env, stop) = Case("dqn");
        string path = Path.Combine(_dir, "bad");
        using (var first = TestRuns.Make(options, env, seed: 3))
        {
            first.Learn(stop);
            first.Save(path);
        }
        var bytes = File.ReadAllBytes(path + ".state");
        File.WriteAllBytes(path + ".state", bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Algorithm.Load(path));
        Assert.Contains("bad.state", e.Message);
        Assert.Contains("truncated or corrupt", e.Message);
        File.Delete(path + ".state");
        using var approximate = Algorithm.Load(path);
        Assert.Contains("missing", approximate.ApproximateResume);
    }

    /// <summary>Everything a run reports except wall-clock figures, one line each; cancels at a chosen snapshot.</summary>
    internal sealed class LogSink : IMetricsSink
    {
        public List<string> Lines { get; } = [];

        public long StopAt { get; init; } = long.MaxValue;

        public long StopAtEpisode { get; init; } = long.MaxValue;

        public CancellationTokenSource Stop { get; } = new();

        public void OnEpisode(in EpisodeRecord e)
        {
            Lines.Add(string.Create(CultureInfo.InvariantCulture, $"episode {e.Step} {e.Episode} {e.Return:R} {e.Length}"));
            if (e.Episode >= StopAtEpisode) Stop.Cancel();
        }

        public void OnSnapshot(TrainingSnapshot s)
        {
            Lines.Add(string.Create(CultureInfo.InvariantCulture, $"snapshot {s.Step} {s.Episodes} {s.MeanReturn:R} {s.Updates} {string.Join(' ', s.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}"));
            if (s.Step >= StopAt) Stop.Cancel();
        }

        public void OnEvaluation(EvaluationRecord e) =>
            Lines.Add(string.Create(CultureInfo.InvariantCulture, $"eval {e.Step} {string.Join(' ', e.Returns.Select(r => r.ToString("R", CultureInfo.InvariantCulture)))}"));
    }
}
