using Bellman.Algorithms.Continuous;
using Bellman.Algorithms.Training;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;
using static Bellman.Algorithms.Tests.Continuous.ContinuousTestKit;

namespace Bellman.Algorithms.Tests.Continuous;

/// <summary>
/// gSDE for SAC (Stable-Baselines3's StateDependentNoiseDistribution with a tanh squash): the log-probability of
/// the squashed action and its gradients against the formula written out in double precision (and central finite
/// differences of it); the noise matrix's statistics with a fixed seed; the noise being h(s)·θ_ε; and the schedule
/// of its draws (each rollout of train_freq steps, and every sde_sample_freq steps).
/// </summary>
public sealed class GsdeTests
{
    private const int Obs = 2, H = 3, D = 2, B = 2;
    private static readonly double[] X = [0.7, -0.4, -0.3, 0.9];
    private static readonly double[] E = [0.5, -1.2, 0.8, 0.3, -0.6, 1.1];

    private static readonly (string Name, double[] Values)[] Theta =
    [
        ("latent_pi.0.weight", [0.9, -0.3, 0.4, 0.8, -0.5, 0.2]),
        ("latent_pi.0.bias", [0.1, 0.05, 0.6]),
        ("mu.weight", [0.3, -0.7, 0.5, 1.2, 0.4, -0.2]),
        ("mu.bias", [0.1, -0.3]),
    ];

    /// <summary>Σ_rows log π(a|s) + Σ a in double: the function whose value and gradient the tests check.</summary>
    private static double Objective(Dictionary<string, double[]> p, bool fullStd, bool expln, double clip, out double[] logProbs, out double[] actions)
    {
        double[] w1 = p["latent_pi.0.weight"], b1 = p["latent_pi.0.bias"], wm = p["mu.weight"], bm = p["mu.bias"], ls = p["log_std"];
        logProbs = new double[B];
        actions = new double[B * D];
        double total = 0;
        for (int r = 0; r < B; r++)
        {
            var h = new double[H];
            for (int q = 0; q < H; q++) h[q] = Math.Max(0, w1[q * Obs] * X[r * Obs] + w1[q * Obs + 1] * X[r * Obs + 1] + b1[q]);
            for (int j = 0; j < D; j++)
            {
                double mu = bm[j];
                for (int q = 0; q < H; q++) mu += wm[j * H + q] * h[q];
                if (clip > 0) mu = Math.Clamp(mu, -clip, clip);
                double u = mu, variance = 0;
                for (int q = 0; q < H; q++)
                {
                    double l = ls[fullStd ? q * D + j : q];
                    double std = expln ? (l <= 0 ? Math.Exp(l) : 1 + Math.Log(1 + l)) : Math.Exp(l);
                    u += h[q] * std * E[q * D + j];
                    variance += h[q] * h[q] * std * std;
                }
                double v = variance + GsdeActor.VarianceEpsilon, t = Math.Tanh(u);
                logProbs[r] += -(u - mu) * (u - mu) / (2 * v) - 0.5 * Math.Log(v) - 0.5 * Math.Log(2 * Math.PI) - Math.Log(1 - t * t);
                actions[r * D + j] = t;
                total += t;
            }
            total += logProbs[r];
        }
        return total;
    }

    private static GsdeActor Actor(bool fullStd, bool expln, double clip, double[] logStd)
    {
        var actor = new GsdeActor(Obs, D, [H], new Rng(5), -1, fullStd, expln, learnFeatures: true, clip);
        foreach (var (name, values) in Theta) Set(actor, name, [.. values.Select(v => (float)v)]);
        Set(actor, "log_std", [.. logStd.Select(v => (float)v)]);
        return actor;
    }

    [Theory]
    [InlineData(true, false, 2.0)]
    [InlineData(false, false, 2.0)]
    [InlineData(true, true, 0.0)]
    [InlineData(true, false, 0.4)]
    public void TheLogProbOfTheSquashedActionAndItsGradientsMatchTheFormula(bool fullStd, bool expln, double clip)
    {
        double[] logStd = fullStd ? [-0.5, 0.3, -1.2, 0.6, -0.2, -0.8] : [-0.5, 0.4, -1.0];
        var actor = Actor(fullStd, expln, clip, logStd);
        var g = new Graph();
        var (action, logProb) = actor.Sample(g, g.Input([.. X.Select(v => (float)v)], new Shape(B, Obs)), g.Input([.. E.Select(v => (float)v)], new Shape(H, D)));
        var p = Theta.ToDictionary(t => t.Name, t => (double[])t.Values.Clone());
        p["log_std"] = (double[])logStd.Clone();
        Objective(p, fullStd, expln, clip, out var expectedLogProbs, out var expectedActions);
        for (int r = 0; r < B; r++) Close(expectedLogProbs[r], logProb.Data[r], 2e-5, $"log pi row {r}");
        for (int k = 0; k < B * D; k++) Close(expectedActions[k], action.Data[k], 1e-6, $"action {k}");

        foreach (var param in actor.Parameters()) Array.Clear(param.Grad);
        g.Backward(g.Add(g.Sum(logProb), g.Sum(action)));
        foreach (var param in actor.Parameters())
        {
            double[] values = p[param.Name];
            for (int k = 0; k < values.Length; k++)
            {
                const double h = 1e-6;
                double keep = values[k];
                values[k] = keep + h;
                double up = Objective(p, fullStd, expln, clip, out _, out _);
                values[k] = keep - h;
                double down = Objective(p, fullStd, expln, clip, out _, out _);
                values[k] = keep;
                Close((up - down) / (2 * h), param.Grad[k], 2e-4, $"d/d{param.Name}[{k}]");
            }
        }
    }

    [Fact]
    public void WithoutLearnFeaturesTheNoiseGradientDoesNotReachTheTrunk()
    {
        var learned = Actor(true, false, 2.0, [-0.5, 0.3, -1.2, 0.6, -0.2, -0.8]);
        var frozen = new GsdeActor(Obs, D, [H], new Rng(5), -1, true, false, learnFeatures: false, 2.0);
        for (int i = 0; i < learned.Parameters().Count; i++) learned.Parameters()[i].Data.CopyTo(frozen.Parameters()[i].Data, 0);
        float[] Grad(GsdeActor a)
        {
            var g = new Graph();
            var (_, lp) = a.Sample(g, g.Input([.. X.Select(v => (float)v)], new Shape(B, Obs)), g.Input([.. E.Select(v => (float)v)], new Shape(H, D)));
            foreach (var param in a.Parameters()) Array.Clear(param.Grad);
            g.Backward(g.Sum(lp));
            return [.. Param(a, "latent_pi.0.weight").Grad];
        }
        Assert.NotEqual(Grad(learned), Grad(frozen));
        // The μ head's and ℓ's gradients do not depend on it.
        Assert.Equal(Param(learned, "mu.bias").Grad, Param(frozen, "mu.bias").Grad);
    }

    private static readonly Box Observations = new(-1f, 1f, 3), Actions = new(-2f, 2f, 1);

    private static SacAgent Agent(int trainFreq, int sampleFreq, double logStdInit = -1.5) => new(Observations, Actions,
        new SacOptions { UseSde = true, LogStdInit = logStdInit, TrainFrequency = trainFreq, SdeSampleFreq = sampleFreq, NetArch = [16, 16] }, new Rng(7));

    [Fact]
    public void TheNoiseMatrixIsNormalWithTheDeviationsOfLogStd()
    {
        var agent = Agent(trainFreq: 1, sampleFreq: -1, logStdInit: -1.5);
        var rng = new Rng(2024);
        float[] obs = [0.3f, -0.2f, 0.5f], act = new float[1];
        double sum = 0, sq = 0;
        long count = 0;
        for (int step = 0; step < 3000; step++)
        {
            agent.Act(obs, 1, act, 0, rng);
            agent.OnEnvironmentSteps(step + 1, step);
            foreach (float m in agent.ExplorationMatrix(0))
            {
                sum += m;
                sq += m * m;
                count++;
            }
        }
        double mean = sum / count, std = Math.Sqrt(sq / count - mean * mean), sigma = Math.Exp(-1.5);
        // 48 000 draws: the standard error of the mean is σ/219, of the deviation about σ/310.
        Assert.InRange(mean, -4 * sigma / 219, 4 * sigma / 219);
        Assert.InRange(std, sigma * (1 - 4.0 / 310), sigma * (1 + 4.0 / 310));
    }

    [Fact]
    public void TheExplorationNoiseIsTheFeaturesTimesTheMatrixAndItsVarianceIsStateDependent()
    {
        var agent = Agent(trainFreq: 1, sampleFreq: -1, logStdInit: -1.0);
        var actor = agent.SdeActor!;
        var rng = new Rng(99);
        float[] act = new float[1];
        foreach (float[] obs in new[] { new[] { 0.3f, -0.2f, 0.5f }, new[] { -0.9f, 0.8f, 0.1f } })
        {
            var g = new Graph();
            var (mean, h) = actor.Distribution(g, g.Input(obs, new Shape(1, 3)));
            float[] std = new float[actor.FeatureSize];
            actor.StdValues(std);
            double variance = 0;
            for (int p = 0; p < actor.FeatureSize; p++) variance += h.Data[p] * h.Data[p] * std[p] * std[p];
            double s1 = 0, s2 = 0;
            const int draws = 4000;
            for (int step = 0; step < draws; step++)
            {
                agent.Act(obs, 1, act, 0, rng);
                agent.OnEnvironmentSteps(step + 1, step);
                double expected = mean.Data[0];
                var m = agent.ExplorationMatrix(0);
                for (int p = 0; p < actor.FeatureSize; p++) expected += h.Data[p] * m[p];
                double u = Math.Atanh(act[0] / 2.0);       // the Box is [−2, 2]
                Close(expected, u, 2e-4, "pre-tanh action");
                s1 += u - mean.Data[0];
                s2 += (u - mean.Data[0]) * (u - mean.Data[0]);
            }
            double empirical = s2 / draws - (s1 / draws) * (s1 / draws);
            // The sample variance of 4000 normals is within 4·√(2/4000) ≈ 9 % of the truth.
            Assert.InRange(empirical, variance * 0.91, variance * 1.09);
        }
    }

    [Theory]
    [InlineData(8, -1, new[] { 0, 8, 16 })]
    [InlineData(8, 3, new[] { 0, 3, 6, 8, 11, 14, 16 })]
    [InlineData(1, -1, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 })]
    public void TheMatrixIsDrawnAtEachRolloutStartAndEverySampleFreqSteps(int trainFreq, int sampleFreq, int[] expectedDraws)
    {
        var agent = Agent(trainFreq, sampleFreq);
        var rng = new Rng(1);
        float[] obs = [0.1f, 0.2f, 0.3f], act = new float[1];
        float[] previous = [];
        var draws = new List<int>();
        for (int step = 0; step < 18; step++)
        {
            agent.Act(obs, 1, act, 0, rng);
            float[] now = agent.ExplorationMatrix(0).ToArray();
            if (!now.AsSpan().SequenceEqual(previous)) draws.Add(step);
            previous = now;
            agent.OnEnvironmentSteps(step + 1, step);
        }
        Assert.Equal(expectedDraws, draws);
    }

    [Fact]
    public void SacWithGsdeTrainsAndIsReproducible()
    {
        float[] Run()
        {
            var options = new SacOptions { UseSde = true, LogStdInit = -2, TotalSteps = 600, LearningStarts = 200, BatchSize = 32, TrainFrequency = 8, GradientSteps = 8, NetArch = [16, 16], EvalFrequency = 0 };
            using var sac = new Sac("Pendulum-v1", options, seed: 3);
            sac.Learn();
            Assert.Equal(400 / 8 * 8, sac.SacAgent.Updates);
            return Values(sac.SacAgent.ActorModule);
        }
        var a = Run();
        Assert.Equal(a, Run());
        var fresh = Values(new SacAgent(new Box(-8f, 8f, 3), Actions, new SacOptions { UseSde = true, LogStdInit = -2, NetArch = [16, 16] }, new Rng(1)).ActorModule);
        Assert.NotEqual(fresh, a);
    }
}
