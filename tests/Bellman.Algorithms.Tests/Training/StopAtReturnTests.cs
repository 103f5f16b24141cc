using Bellman.Algorithms.ActorCritic;
using Bellman.Algorithms.Configuration;
using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms.Tests.Training;

/// <summary>
/// <c>stop_at_return</c> ends a run at the first evaluation whose mean reaches it (SB3's StopTrainingOnRewardThreshold):
/// the stopped run is the unstopped one up to that evaluation, and a saved run that reached it stays finished.
/// </summary>
public sealed class StopAtReturnTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "bellman-stop-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static readonly DqnOptions Dqn = new()
    {
        TotalSteps = 6_000, LearningStarts = 200, TrainFrequency = 1, BatchSize = 32, BufferSize = 5_000, NetArch = [32],
        TargetUpdateInterval = 100, LearningRate = 2e-3, ExplorationFraction = 0.3, EvalFrequency = 500, EvalEpisodes = 3, LogInterval = 500,
    };

    private static readonly A2cOptions A2c = new() { NumEnvs = 4, TotalSteps = 8_000, NetArch = [16], EvalFrequency = 1_000, EvalEpisodes = 3, LogInterval = 1_000 };

    private sealed class Evaluations : IMetricsSink
    {
        public List<EvaluationRecord> All { get; } = [];

        public void OnEpisode(in EpisodeRecord episode) { }

        public void OnSnapshot(TrainingSnapshot snapshot) { }

        public void OnEvaluation(EvaluationRecord evaluation) => All.Add(evaluation);
    }

    /// <summary>
    /// The threshold is set between the first and the best evaluation of an unstopped run, so the run must stop at
    /// the first evaluation at or above it: not before (a threshold that is ignored), not at the end.
    /// </summary>
    private static void StopsAtTheFirstEvaluationThatReachesIt(TrainingOptions options, Func<TrainingOptions, Algorithm> make)
    {
        var whole = new Evaluations();
        using (var run = make(options)) run.Learn(options.TotalSteps, whole);
        Assert.True(whole.All.Count >= 3, $"only {whole.All.Count} evaluations");
        double first = whole.All[0].MeanReturn, best = whole.All.Max(e => e.MeanReturn);
        Assert.True(best > first, $"the unstopped run never improves on its first evaluation ({first})");
        double threshold = (first + best) / 2;
        var expected = whole.All.First(e => e.MeanReturn >= threshold);
        Assert.True(expected.Step < options.TotalSteps, "the threshold is reached only at the end: the test would not tell");

        var stopped = new Evaluations();
        using var again = make(options with { StopAtReturn = threshold });
        var state = again.Learn(options.TotalSteps, stopped).State;
        Assert.Equal(expected.Step, state.Step);
        Assert.Equal(whole.All.TakeWhile(e => e.Step <= expected.Step).Select(e => e.MeanReturn), stopped.All.Select(e => e.MeanReturn));
        Assert.Equal(expected.MeanReturn, state.BestEvaluation);

        // Training further is a no-op: the run has reached its threshold.
        again.Learn(1_000, stopped);
        Assert.Equal(expected.Step, again.State.Step);
    }

    [Fact]
    public void AnOffPolicyRunStopsAtTheFirstEvaluationThatReachesIt() =>
        StopsAtTheFirstEvaluationThatReachesIt(Dqn, o => new Dqn("CartPole-v1", (DqnOptions)o, seed: 2));

    [Fact]
    public void AnOnPolicyRunStopsAtTheFirstEvaluationThatReachesIt() =>
        StopsAtTheFirstEvaluationThatReachesIt(A2c, o => new A2c("CartPole-v1", (A2cOptions)o, seed: 1));

    [Fact]
    public void ASavedRunThatReachedItStaysFinished()
    {
        using var run = new Dqn("CartPole-v1", Dqn with { StopAtReturn = 0 }, seed: 2);
        run.Learn(Dqn.TotalSteps);
        Assert.Equal(Dqn.EvalFrequency, run.State.Step);
        string path = Path.Combine(_dir, "reached");
        run.Save(path);
        using var loaded = Algorithm.Load(path);
        loaded.Learn(1_000);
        Assert.Equal(Dqn.EvalFrequency, loaded.State.Step);
    }

    [Fact]
    public void NaNNeverStops()
    {
        using var run = new Dqn("CartPole-v1", Dqn with { TotalSteps = 1_500 }, seed: 2);
        Assert.True(double.IsNaN(((DqnOptions)run.Options).StopAtReturn));
        Assert.Equal(1_500, run.Learn().State.Step);
    }

    [Fact]
    public void ContinuousAlgorithmsStopToo()
    {
        var options = new Td3Options { TotalSteps = 1_000, LearningStarts = 100, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 200, EvalEpisodes = 1, StopAtReturn = -1e9 };
        using var run = new Td3("Pendulum-v1", options, seed: 0);
        Assert.Equal(200, run.Learn().State.Step);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, 5_000, "must be a finite return")]
    [InlineData(double.NegativeInfinity, 5_000, "must be a finite return")]
    [InlineData(100.0, 0, "set eval_freq > 0")]
    public void InvalidValuesNameTheKey(double value, int evalFrequency, string rule)
    {
        var e = Assert.Throws<OptionException>(() => (Dqn with { StopAtReturn = value, EvalFrequency = evalFrequency }).Validate());
        Assert.Contains("stop_at_return", e.Message);
        Assert.Contains(rule, e.Message);
    }
}
