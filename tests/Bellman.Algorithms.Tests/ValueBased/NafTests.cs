using Bellman.Algorithms.Networks;
using Bellman.Algorithms.Replay;
using Bellman.Algorithms.Training;
using Bellman.Algorithms.ValueBased;
using Bellman.Core.Random;
using Bellman.Core.Spaces;
using Bellman.Nn;

namespace Bellman.Algorithms.Tests.ValueBased;

public class NafTests
{
    private static readonly NafOptions Tiny = new()
    {
        TotalSteps = 600, LearningStarts = 200, BatchSize = 32, BufferSize = 1_000, NetArch = [16], EvalFrequency = 0, EvalEpisodes = 2,
    };

    private static float[] Parameters(Algorithm run) => run.Agent.Networks.SelectMany(n => n.Module.Parameters()).SelectMany(p => p.Data).ToArray();

    [Fact]
    public void TheGreedyActionMaximisesQAndMaxQIsV()
    {
        // Two action dimensions so that L has an off-diagonal entry.
        var net = new NafNetwork([3], 2, NetworkSpec.MlpOf([8]), new Rng(3));
        var g = new Graph();
        using var _ = g.NoGrad();
        var rng = new Rng(4);
        float[] s = [0.3f, -0.8f, 1.1f];
        var x = g.Input(s, new Shape(1, 3));
        var (v, mu, _) = net.Heads(g, x);
        float value = v.Data[0];
        float[] best = mu.Data.ToArray();
        Assert.Equal(value, net.Q(g, x, g.Input(best, new Shape(1, 2))).Data[0], 6);
        for (int k = 0; k < 200; k++)
        {
            float[] a = [(float)(2 * rng.NextDouble() - 1), (float)(2 * rng.NextDouble() - 1)];
            Assert.True(net.Q(g, x, g.Input(a, new Shape(1, 2))).Data[0] <= value, $"Q(s, {a[0]}, {a[1]}) exceeds V(s) = {value}");
        }
    }

    [Fact]
    public void LossGradientsMatchFiniteDifferencesThroughAllHeads()
    {
        var net = new NafNetwork([2], 2, NetworkSpec.MlpOf([5]), new Rng(7));
        float[] s = [0.5f, -0.2f, -1f, 0.7f, 0.1f, 0.9f], a = [0.4f, -0.9f, -0.3f, 0.2f, 0.8f, 0.6f], y = [-1f, 0.5f, 2f];
        double Loss(Graph g)
        {
            var q = net.Q(g, g.Input(s, new Shape(3, 2)), g.Input(a, new Shape(3, 2)));
            var loss = g.MseLoss(q, g.Input(y, q.Shape));
            if (g.IsRecording) g.Backward(loss);
            return loss.Item();
        }
        net.ZeroGrad();
        Loss(new Graph());
        var eval = new Graph();
        const float h = 1e-2f;
        foreach (var p in net.Parameters())
        {
            Assert.True(p.Grad.Any(v => v != 0), $"{p.Name} received no gradient");
            for (int j = 0; j < p.Size; j++)
            {
                float saved = p.Data[j];
                p.Data[j] = saved + h;
                eval.Reset();
                double plus;
                using (eval.NoGrad()) plus = Loss(eval);
                p.Data[j] = saved - h;
                eval.Reset();
                double minus;
                using (eval.NoGrad()) minus = Loss(eval);
                p.Data[j] = saved;
                double fd = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(fd - p.Grad[j]) <= 2e-3 + 2e-2 * Math.Abs(fd), $"{p.Name}[{j}]: finite difference {fd}, backward {p.Grad[j]}");
            }
        }
    }

    [Fact]
    public void OneUpdateMatchesAHandComputedStep()
    {
        // No hidden layer: V = w_v s + b_v, μ = tanh(w_μ s + b_μ), l = w_l s + b_l, L = e^l, in the scaled
        // space u = a / 2 of the bounds [−2, 2].
        var options = new NafOptions { NetArch = [], LearningRate = 0.01, Tau = 0.1, ExplorationNoise = 0 };
        var agent = new NafAgent(new Box(-5f, 5f, 1), new Box(-2f, 2f, 1), options, new Rng(0));
        double wv = 0.5, bv = -0.1, wm = 0.3, bm = 0.2, wl = -0.4, bl = 0.1, wvT = 0.2, bvT = 0.3;
        Set(agent.Q, wv, bv, wm, bm, wl, bl);
        Set(agent.Target, wvT, bvT, 0, 0, 0, 0);
        double s = 0.8, a = 1.2, r = -1.5, gamma = 0.9, s2 = -0.6;
        var batch = new ReplayBatch(1, 1, 1);
        batch.Set(0, [(float)s], [(float)a], 0, r, (float)gamma, [(float)s2]);

        double u = a / 2, v = wv * s + bv, mu = Math.Tanh(wm * s + bm), l = wl * s + bl, p = Math.Exp(2 * l);
        double q = v - 0.5 * p * (u - mu) * (u - mu);
        double y = r + gamma * (wvT * s2 + bvT);
        double dq = 2 * (q - y);                                   // d(q − y)² / dq
        double dMuPre = dq * p * (u - mu) * (1 - mu * mu), dL = dq * -p * (u - mu) * (u - mu);
        var grads = new Dictionary<string, double>
        {
            ["value.weight"] = dq * s, ["value.bias"] = dq, ["mu.weight"] = dMuPre * s, ["mu.bias"] = dMuPre, ["lower.weight"] = dL * s, ["lower.bias"] = dL,
        };
        var before = new Dictionary<string, double> { ["value.weight"] = wv, ["value.bias"] = bv, ["mu.weight"] = wm, ["mu.bias"] = bm, ["lower.weight"] = wl, ["lower.bias"] = bl };
        var targetBefore = new Dictionary<string, double> { ["value.weight"] = wvT, ["value.bias"] = bvT, ["mu.weight"] = 0, ["mu.bias"] = 0, ["lower.weight"] = 0, ["lower.bias"] = 0 };

        var metrics = new UpdateMetrics(agent.Metrics);
        float[] td = new float[1];
        agent.Train(batch, td, new UpdateContext(0, new Rng(1), metrics));

        Assert.Equal(Math.Abs(q - y), td[0], 5);
        foreach (var param in agent.Q.Parameters())
        {
            double g = grads[param.Name];
            Assert.Equal(g, param.Grad[0], 4);
            // Adam's first step moves each parameter by lr · g / (|g| + ε).
            double after = before[param.Name] - options.LearningRate * g / (Math.Abs(g) + 1e-8);
            Assert.Equal(after, param.Data[0], 5);
        }
        foreach (var param in agent.Target.Parameters())
        {
            double expected = (1 - options.Tau) * targetBefore[param.Name] + options.Tau * agent.Q.Parameters().First(x => x.Name == param.Name).Data[0];
            Assert.Equal(expected, param.Data[0], 5);
        }
    }

    private static void Set(NafNetwork net, double wv, double bv, double wm, double bm, double wl, double bl)
    {
        var values = new Dictionary<string, double> { ["value.weight"] = wv, ["value.bias"] = bv, ["mu.weight"] = wm, ["mu.bias"] = bm, ["lower.weight"] = wl, ["lower.bias"] = bl };
        foreach (var p in net.Parameters()) p.Data[0] = (float)values[p.Name];
    }

    [Fact]
    public void ActsWithinTheBoundsAndGreedyIsMuInEnvironmentUnits()
    {
        var agent = new NafAgent(new Box(-5f, 5f, 2), new Box([-2f, 0f], [2f, 10f]), Tiny with { NetArch = [8], ExplorationNoise = 2.0 }, new Rng(2));
        var rng = new Rng(3);
        float[] obs = [0.1f, 0.2f, -0.3f, 0.4f, 1f, -1f], actions = new float[6], mu = new float[2], greedy = new float[2];
        for (int k = 0; k < 50; k++)
        {
            agent.Act(obs, 3, actions, 0.5, rng);
            for (int i = 0; i < 3; i++)
            {
                Assert.InRange(actions[2 * i], -2f, 2f);
                Assert.InRange(actions[2 * i + 1], 0f, 10f);
            }
        }
        agent.Means(obs, 1, mu);
        agent.Greedy(obs.AsSpan(0, 2), greedy);
        Assert.Equal(2f * mu[0], greedy[0], 5);
        Assert.Equal(5f * (mu[1] + 1f), greedy[1], 5);
    }

    [Fact]
    public void RejectsDiscreteActionsAndInfiniteBounds()
    {
        var e = Assert.Throws<ArgumentException>(() => new Naf("CartPole-v1", Tiny));
        Assert.Contains("Box (continuous) action space", e.Message);
        Assert.Contains("dqn", e.Message);
        e = Assert.Throws<ArgumentException>(() => new NafAgent(new Box(-1f, 1f, 2), new Box(float.NegativeInfinity, float.PositiveInfinity, 1), Tiny, new Rng(0)));
        Assert.Contains("finite action bounds", e.Message);
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalParameters()
    {
        float[] Train(int seed)
        {
            using var run = new Naf("Pendulum-v1", Tiny, seed);
            run.Learn();
            return Parameters(run);
        }
        Assert.Equal(Train(4), Train(4));
        Assert.NotEqual(Train(4), Train(5));
    }

    [Fact]
    public void SaveAndLoadGiveBackTheSameGreedyPolicy()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"naf-{Guid.NewGuid():N}");
        try
        {
            using var run = new Naf("Pendulum-v1", Tiny, 1);
            run.Learn();
            run.Save(Path.Combine(dir, "model"));
            using var loaded = Naf.Load(Path.Combine(dir, "model"));
            float[] obs = [0.6f, -0.8f, 0.3f], a = new float[1], b = new float[1];
            run.Agent.Greedy(obs, a);
            loaded.Agent.Greedy(obs, b);
            Assert.Equal(a, b);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
