using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;

namespace Bellman.Algorithms.Tests.ValueBased;

public class QtOptTests
{
    private static readonly QtOptOptions Tiny = new()
    {
        TotalSteps = 400, LearningStarts = 200, BatchSize = 16, BufferSize = 1_000, NetArch = [16], EvalFrequency = 0, EvalEpisodes = 2,
        CemSamples = 16, CemElites = 4,
    };

    /// <summary>f(s_i, a) = −Σ_j w_j (a_j − c_ij)², a concave function with its maximum at c_i (clipped to the box if c_i lies outside).</summary>
    private sealed class Concave(float[] centres, int dim) : ICemObjective
    {
        public int Calls { get; private set; }
        public int LastRows { get; private set; }

        public void Score(ReadOnlySpan<float> candidates, int states, int samples, Span<float> scores)
        {
            Calls++;
            LastRows = candidates.Length / dim;
            for (int r = 0; r < states * samples; r++)
            {
                double f = 0;
                for (int j = 0; j < dim; j++)
                {
                    double d = candidates[r * dim + j] - centres[r / samples * dim + j];
                    f -= (j + 1) * d * d;
                }
                scores[r] = (float)f;
            }
        }
    }

    [Theory]
    [InlineData(1, 0.12)]
    [InlineData(2, 0.4)]
    public void CemFindsTheArgmaxOfAConcaveFunctionWithinTolerance(int dim, double tolerance)
    {
        // The paper's settings: 64 samples, 6 elites, 2 iterations, for 200 states at once, a* uniform in
        // [−0.9, 0.9]^d. Measured worst |a − a*| over the 200 states for seeds 0, 1, 2: 0.058, 0.095, 0.042
        // (d = 1) and 0.30, 0.16, 0.29 (d = 2): two iterations are a coarse maximiser, hence the tolerances.
        const int states = 200;
        var rng = new Rng(11);
        var centres = new float[states * dim];
        for (int k = 0; k < centres.Length; k++) centres[k] = (float)rng.Uniform(-0.9, 0.9);
        var cem = new CemMaximizer(dim, 64, 6, 2);
        var f = new Concave(centres, dim);
        var errors = new List<double>();
        for (int seed = 0; seed < 3; seed++)
        {
            var best = new float[states * dim];
            cem.Maximize(f, states, new Rng((ulong)seed), best);
            double worst = 0;
            for (int k = 0; k < best.Length; k++) worst = Math.Max(worst, Math.Abs(best[k] - centres[k]));
            errors.Add(worst);
        }
        Assert.True(errors.All(e => e <= tolerance), $"d = {dim}: worst errors per seed {string.Join(", ", errors)}");
    }

    [Fact]
    public void CemClipsToTheBoxWhenTheMaximumLiesOutside()
    {
        var f = new Concave([3f, -2f], 1);
        var best = new float[2];
        var scores = new float[2];
        new CemMaximizer(1, 64, 6, 2).Maximize(f, 2, new Rng(5), best, scores);
        Assert.Equal([1f, -1f], best);
        Assert.Equal(-4f, scores[0]);
        Assert.Equal(-1f, scores[1]);
    }

    [Fact]
    public void CemScoresAllSamplesOfAllStatesInOneCallPerIteration()
    {
        var f = new Concave(new float[37 * 3], 3);
        new CemMaximizer(3, 64, 6, 2).Maximize(f, 37, new Rng(1), new float[37 * 3]);
        Assert.Equal(2, f.Calls);
        Assert.Equal(37 * 64, f.LastRows);
    }

    [Fact]
    public void TopKReturnsTheLargestScoresBestFirst()
    {
        int[] top = new int[3];
        CemMaximizer.TopK([0.5f, 2f, -1f, 2f, 3f, 0f], top);
        Assert.Equal([4, 1, 3], top);
    }

    /// <summary>
    /// Sharing W_s s among a state's candidates only regroups the first layer's (|s| + |a|)-term sums: the two evaluations
    /// agree within 1e-5 · (1 + |Q|) (float rounding of a 5-term sum, carried through two layers; today they agree to the
    /// bit), over 3, 7 and 64 candidates per state (2 · 3 = 6 rows take the product's dot-product path, the others its
    /// register tiles).
    /// </summary>
    [Theory]
    [InlineData(1, 64, 64)]
    [InlineData(5, 64, 64)]
    [InlineData(2, 3, 32)]
    [InlineData(40, 7, 256)]
    public void SharingTheStatePartOfTheFirstLayerKeepsTheCriticValues(int states, int samples, int hidden)
    {
        var agent = new QtOptAgent(new Box(-8f, 8f, 3), new Box(-2f, 2f, 2), new QtOptOptions { NetArch = [hidden, hidden] }, new Rng(4));
        var rng = new Rng(9);
        var observations = new float[states * 3];
        var actions = new float[states * samples * 2];
        for (int i = 0; i < observations.Length; i++) observations[i] = (float)rng.Uniform(-8, 8);
        for (int i = 0; i < actions.Length; i++) actions[i] = (float)rng.Uniform(-1, 1);
        var shared = new float[states * samples];
        var plain = new float[states * samples];
        agent.Evaluate(agent.Q, observations, actions, samples, shared);
        agent.SharedObservations = false;
        agent.Evaluate(agent.Q, observations, actions, samples, plain);
        double worst = 0;
        for (int r = 0; r < plain.Length; r++)
        {
            Assert.True(Math.Abs(shared[r] - plain[r]) <= 1e-5 * (1 + Math.Abs(plain[r])), $"row {r}: shared {shared[r]} against plain {plain[r]}");
            worst = Math.Max(worst, Math.Abs(plain[r]));
        }
        Assert.True(worst > 1e-3, "the critic's values are all near zero, so the comparison says nothing");
    }

    [Fact]
    public void OneTrainStepCostsCemIterationsPlusOneBatchedPassesWhateverTheBatchSize()
    {
        var agent = new QtOptAgent(new Box(-1f, 1f, 3), new Box(-2f, 2f, 1), Tiny with { CemIterations = 3 }, new Rng(0));
        var metrics = new UpdateMetrics(agent.Metrics);
        foreach (int n in new[] { 1, 50 })
        {
            var batch = new ReplayBatch(n, 3, 1);
            for (int i = 0; i < n; i++) batch.Set(i, [0.1f * i, 0.2f, -0.3f], [0.5f], 0, -1.0, 0.9f, [0.2f, 0.1f * i, 0f]);
            long before = agent.ForwardPasses;
            agent.Train(batch, new float[n], new UpdateContext(0, new Rng(2), metrics));
            Assert.Equal(3 + 1, agent.ForwardPasses - before);
        }
    }

    [Fact]
    public void TheTargetIsTheMinimumOfBothTargetsAtTheCemActionOfTheFirst()
    {
        // Linear critics (no hidden layer): Q(s, u) = w_s s + w_u u + b. With w_u > 0 the maximiser over
        // u ∈ [−1, 1] is u* = 1, which CEM reaches exactly (clipped samples).
        var agent = new QtOptAgent(new Box(-5f, 5f, 1), new Box(-2f, 2f, 1), Tiny with { NetArch = [] }, new Rng(0));
        SetLinear(agent.Target, ws: 0.5, wu: 2.0, b: 0.1);       // θ̄1
        SetLinear(agent.LaggedTarget, ws: -1.0, wu: 1.0, b: 0.4); // θ̄2
        var batch = new ReplayBatch(3, 1, 1);
        batch.Set(0, [0f], [0f], 0, -1.0, 0.9f, [1.0f]);   // Q1 = 2.6, Q2 = 0.4: min 0.4 → y = −1 + 0.9 · 0.4
        batch.Set(1, [0f], [0f], 0, 0.5, 0.9f, [-2.0f]);   // Q1 = 1.1, Q2 = 3.4: min 1.1 → y = 0.5 + 0.9 · 1.1
        batch.Set(2, [0f], [0f], 0, 2.0, 0f, [3.0f]);      // terminal: y = r
        var y = new float[3];
        agent.Targets(batch, new Rng(3), y);
        Assert.Equal(-1 + 0.9 * 0.4, y[0], 5);
        Assert.Equal(0.5 + 0.9 * 1.1, y[1], 5);
        Assert.Equal(2.0, y[2], 5);
    }

    private static void SetLinear(Bellman.Nn.Layers.Module critic, double ws, double wu, double b)
    {
        var p = critic.Parameters();
        p[0].Data[0] = (float)ws;
        p[0].Data[1] = (float)wu;
        p[1].Data[0] = (float)b;
    }

    [Fact]
    public void TheLaggedTargetCopiesTheFirstEveryIntervalAndThePolyakTargetMovesEveryStep()
    {
        var agent = new QtOptAgent(new Box(-1f, 1f, 2), new Box(-1f, 1f, 1), Tiny with { TargetLagInterval = 100, Tau = 0.5 }, new Rng(0));
        var batch = new ReplayBatch(4, 2, 1);
        for (int i = 0; i < 4; i++) batch.Set(i, [0.1f * i, 0.3f], [0.2f], 0, 1.0, 0.9f, [0.2f, -0.1f * i]);
        float[] Flat(Bellman.Nn.Layers.Module m) => m.Parameters().SelectMany(p => p.Data).ToArray();
        var lagged = Flat(agent.LaggedTarget);
        agent.Train(batch, new float[4], new UpdateContext(0, new Rng(1), new UpdateMetrics(agent.Metrics)));
        Assert.NotEqual(lagged, Flat(agent.Target));
        agent.OnEnvironmentSteps(99, 98);
        Assert.Equal(lagged, Flat(agent.LaggedTarget));
        agent.OnEnvironmentSteps(100, 99);
        Assert.Equal(Flat(agent.Target), Flat(agent.LaggedTarget));
    }

    [Fact]
    public void RejectsDiscreteActionsAndInfiniteBounds()
    {
        var e = Assert.Throws<ArgumentException>(() => new QtOpt("CartPole-v1", Tiny));
        Assert.Contains("Box (continuous) action space", e.Message);
        e = Assert.Throws<ArgumentException>(() => new QtOptAgent(new Box(-1f, 1f, 2), new Box(0f, float.PositiveInfinity, 1), Tiny, new Rng(0)));
        Assert.Contains("finite action bounds", e.Message);
        Assert.Throws<Bellman.Algorithms.Configuration.OptionException>(() => new QtOpt("Pendulum-v1", Tiny with { CemElites = 17 }));
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalParametersAndTheGreedyPolicyIsAFunction()
    {
        float[] Train(int seed, out float[] greedy)
        {
            using var run = new QtOpt("Pendulum-v1", Tiny, seed);
            run.Learn();
            float[] a = new float[1], b = new float[1];
            run.Agent.Greedy([1f, 0f, 0.5f], a);
            run.Agent.Greedy([1f, 0f, 0.5f], b);
            Assert.Equal(a, b);
            greedy = a;
            return run.Agent.Networks.SelectMany(n => n.Module.Parameters()).SelectMany(p => p.Data).ToArray();
        }
        Assert.Equal(Train(4, out var g1), Train(4, out var g2));
        Assert.Equal(g1, g2);
        Assert.NotEqual(Train(4, out _), Train(5, out _));
    }
}
