using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;

namespace Bellman.Algorithms.Tests.ValueBased;

/// <summary>Fitted Q-iteration: its rounds (N, K, S), its counters, its learning and its determinism.</summary>
public sealed class FittedQIterationTests
{
    private static readonly FqiOptions Small = new()
    {
        TotalSteps = 3_000, DatasetSize = 1_000, Iterations = 3, GradientSteps = 10, BatchSize = 32, NetArch = [16], EvalEpisodes = 2,
    };

    private sealed class Recorder : IMetricsSink
    {
        public List<EvaluationRecord> Evaluations { get; } = [];

        public List<TrainingSnapshot> Snapshots { get; } = [];

        public long Episodes { get; private set; }

        public void OnEpisode(in EpisodeRecord episode) => Episodes++;

        public void OnSnapshot(TrainingSnapshot snapshot) => Snapshots.Add(snapshot);

        public void OnEvaluation(EvaluationRecord evaluation) => Evaluations.Add(evaluation);
    }

    [Fact]
    public void EachRoundCollectsNThenTakesKTimesSGradientSteps()
    {
        using var fqi = new FittedQIteration("CartPole-v1", Small, seed: 0);
        var sink = new Recorder();
        var state = fqi.Learn(Small.TotalSteps, sink).State;
        Assert.Equal(3_000, state.Step);
        Assert.Equal(3 * 3 * 10, state.Updates); // 3 rounds × K × S
        Assert.Equal([1_000L, 2_000, 3_000], sink.Evaluations.Select(e => e.Step)); // an evaluation ends every round
        Assert.Equal(state.Episodes, sink.Episodes);
        Assert.All(sink.Snapshots, s => Assert.Equal(Small.CollectEpsilon, s["exploration_rate"]));
        Assert.All(sink.Snapshots, s => Assert.True(double.IsFinite(s["loss"])));
    }

    [Fact]
    public void ALastShortRoundStillEndsOnAnEvaluation()
    {
        using var fqi = new FittedQIteration("CartPole-v1", Small with { TotalSteps = 2_500 }, seed: 0);
        var sink = new Recorder();
        fqi.Learn(2_500, sink);
        Assert.Equal([1_000L, 2_000, 2_500], sink.Evaluations.Select(e => e.Step));
    }

    [Fact]
    public void TheSameSeedGivesTheSameQFunction()
    {
        float[] Train(int seed)
        {
            using var fqi = new FittedQIteration("CartPole-v1", Small with { TotalSteps = 2_000 }, seed);
            fqi.Learn();
            return fqi.Agent.Q.Parameters().SelectMany(p => p.Data).ToArray();
        }
        Assert.Equal(Train(5), Train(5));
        Assert.NotEqual(Train(5), Train(6));
    }

    [Fact]
    public void FittedQIterationImprovesOnCartPole()
    {
        // 3 rounds of 10k transitions, K = 20 target sets of S = 100 steps each, a 64-64 network. Seeds 0, 1, 2
        // go from about 9 to 203, 88 and 77 (`bellman train fqi --steps 30000 --set net_arch=[64,64] --seed S`).
        var options = new FqiOptions { TotalSteps = 30_000, NetArch = [64, 64] };
        using var fqi = new FittedQIteration("CartPole-v1", options, seed: 0);
        double before = fqi.Evaluate().MeanReturn;
        fqi.Learn();
        double after = fqi.Evaluate().MeanReturn;
        Assert.True(after > before + 50, $"fitted Q-iteration: {before} -> {after}");
    }

    [Fact]
    public void TheTargetsComeFromTheFrozenCopyOfTheRound()
    {
        // After a round the frozen copy φ' is the φ at the start of the last of its K target sets, not φ itself.
        using var fqi = new FittedQIteration("CartPole-v1", Small with { TotalSteps = 1_000, Iterations = 2 }, seed: 1);
        fqi.Learn();
        var q = fqi.Agent.Q.Parameters().SelectMany(p => p.Data).ToArray();
        var target = fqi.Agent.Target.Parameters().SelectMany(p => p.Data).ToArray();
        Assert.NotEqual(q, target);
    }

    [Fact]
    public void InvalidOptionsNameTheKey()
    {
        var e = Assert.Throws<Bellman.Algorithms.Configuration.OptionException>(() => (Small with { BatchSize = 5_000 }).Validate());
        Assert.Contains("batch_size", e.Message);
        e = Assert.Throws<Bellman.Algorithms.Configuration.OptionException>(() => (Small with { Iterations = 0 }).Validate());
        Assert.Contains("iterations", e.Message);
        Assert.Throws<ArgumentException>(() => new FittedQIteration("Pendulum-v1", Small));
    }
}
